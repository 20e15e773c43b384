using Cma.Runtime.Regions;

namespace Cma.Host.Tests.Guard;

/// <summary>The host's chunk registry through the calls the region makes (TryInsert, Remove, ForEach, the queries), in
/// both layouts (granule marks and address buckets): overlap checks across bucket and word boundaries and against far
/// neighbours, and seeded random comparisons with a naive list of live chunks.</summary>
public class ChunkIndexTests
{
    private const ulong Granule = 4096;

    private const ulong Start = 1UL << 30;

    /// <summary>A 64 MiB region in <paramref name="layout"/>: "marks" (two bits per granule) or "buckets" (of 64
    /// granules, 256 KiB).</summary>
    private static ChunkIndex NewIndex(string layout) => new(Start, 64UL << 20, Granule, marks: layout == "marks");

    [Theory]
    [InlineData("marks")]
    [InlineData("buckets")]
    public void A_range_that_encloses_a_chunk_in_a_later_bucket_overlaps_it(string layout)
    {
        ChunkIndex index = NewIndex(layout);
        Assert.True(index.TryInsert(Start + (10UL << 20), new ChunkEntry(Granule, Granule, 0)));

        Assert.False(index.TryInsert(Start, new ChunkEntry(16UL << 20, 16UL << 20, 1)));
        Assert.True(index.TryInsert(Start, new ChunkEntry(10UL << 20, 10UL << 20, 1)));
    }

    [Theory]
    [InlineData("marks")]
    [InlineData("buckets")]
    public void A_range_that_starts_inside_a_long_chunk_from_an_earlier_bucket_overlaps_it(string layout)
    {
        ChunkIndex index = NewIndex(layout);
        Assert.True(index.TryInsert(Start, new ChunkEntry(8UL << 20, 8UL << 20, 0)));

        Assert.False(index.TryInsert(Start + (8UL << 20) - Granule, new ChunkEntry(Granule, Granule, 1)));
        Assert.False(index.TryInsert(Start + (5UL << 20), new ChunkEntry(Granule, Granule, 1)));
        Assert.True(index.TryInsert(Start + (8UL << 20), new ChunkEntry(Granule, Granule, 1)));
        Assert.Equal(2, index.Count);
    }

    [Theory]
    [InlineData("marks")]
    [InlineData("buckets")]
    public void Remove_of_an_address_where_no_chunk_starts_changes_nothing(string layout)
    {
        ChunkIndex index = NewIndex(layout);
        var entry = new ChunkEntry(2 * Granule, Granule + 1, 3);
        Assert.True(index.TryInsert(Start + Granule, entry));

        Assert.False(index.Remove(Start + 2 * Granule, out _));
        Assert.False(index.Remove(Start - Granule, out _));
        Assert.False(index.Remove(Start + (64UL << 20), out _));
        Assert.Equal([(Start + Granule, entry)], Listed(index));
    }

    [Theory]
    [InlineData("marks")]
    [InlineData("buckets")]
    public void Random_inserts_removes_and_overlap_queries_agree_with_a_naive_list_of_live_chunks(string layout)
    {
        var random = new Random(42);
        ChunkIndex index = NewIndex(layout);
        var live = new SortedDictionary<ulong, ulong>();
        for (int step = 0; step < 5_000; step++)
        {
            ulong granules = (ulong)(random.Next(4) == 0 ? random.Next(1, 200) : random.Next(1, 8));
            ulong at = Start + (ulong)random.Next(0, (int)((64UL << 20) / Granule - granules + 1)) * Granule;
            ulong size = granules * Granule;
            bool naiveOverlap = live.Any(c => c.Key < at + size && at < c.Key + c.Value);
            // The queries agree too: they read the buckets' edges (first start, last end) that inserts and removes keep.
            Assert.Equal(naiveOverlap, index.Overlaps(at, size));
            var collected = new List<ulong>();
            index.CollectOverlapping(at, size, collected);
            Assert.Equal(live.Where(c => c.Key < at + size && at < c.Key + c.Value).Select(c => c.Key), collected);
            Assert.Equal(!naiveOverlap, index.TryInsert(at, new ChunkEntry(size, size - (ulong)step % Granule, step)));
            if (!naiveOverlap)
                live.Add(at, size);
            Assert.Equal(!naiveOverlap, index.TryGet(at, out ChunkEntry got) && got == new ChunkEntry(size, size - (ulong)step % Granule, step));
            Assert.False(index.TryGet(at + Granule / 2, out _));
            if (live.Count > 0 && random.Next(3) == 0)
            {
                ulong victim = live.Keys.ElementAt(random.Next(live.Count));
                Assert.True(index.Remove(victim, out ChunkEntry removed));
                Assert.Equal(live[victim], removed.Size);
                live.Remove(victim);
            }
        }
        var listed = new List<ulong>();
        index.ForEach((start, _) => listed.Add(start));
        Assert.Equal(live.Keys, listed);
        Assert.Equal(live.Count, index.Count);
        Assert.Equal(live.Values.Aggregate(0UL, (sum, size) => sum + size), index.Bytes);
    }

    [Theory]
    [InlineData("marks")]
    [InlineData("buckets")]
    public void Sparse_buckets_keep_every_chunks_entry_through_inserts_and_removes(string layout)
    {
        // Few live chunks per 64-granule bucket: buckets keep going between empty, one chunk and a few.
        var random = new Random(7);
        ChunkIndex index = NewIndex(layout);
        var live = new Dictionary<ulong, ChunkEntry>();
        for (int step = 0; step < 20_000; step++)
        {
            ulong bucket = (ulong)random.Next(8);
            ulong at = Start + (bucket * 64 + (ulong)random.Next(64)) * Granule;
            var entry = new ChunkEntry(Granule, Granule - (ulong)(step % 16), step); // distinct requested sizes and owners
            if (random.Next(3) == 0 && index.TryInsert(at, entry))
                live.Add(at, entry);
            else if (live.Count > 0)
            {
                ulong victim = live.Keys.ElementAt(random.Next(live.Count));
                Assert.True(index.Remove(victim, out ChunkEntry removed));
                Assert.Equal(live[victim], removed);
                live.Remove(victim);
            }
            if (step % 100 == 0)
            {
                Assert.Equal(live.OrderBy(c => c.Key).Select(c => (c.Key, c.Value)), Listed(index));
            }
        }
        Assert.Equal(live.Count, index.Count);
    }

    [Fact]
    public void A_region_of_up_to_2_to_the_24_granules_gets_the_marks_layout_and_a_larger_one_the_buckets()
    {
        Assert.True(new ChunkIndex(Start, 64UL << 30, Granule).UsesMarks);
        Assert.False(new ChunkIndex(Start, 128UL << 30, Granule).UsesMarks);
        Assert.False(new ChunkIndex(Start, 64UL << 30, 16).UsesMarks);
    }

    [Theory]
    [InlineData("marks")]
    [InlineData("buckets")]
    public void Far_neighbours_are_found_across_every_summary_level_of_a_64_GiB_region(string layout)
    {
        // Marks: 2^25 + 2 bits, the first and last chunks 2^25 bits apart — beyond a word, a summary word and a summary
        // group. Buckets: 2^18 of them, the two chunks at either end.
        const ulong size = 64UL << 30;
        var index = new ChunkIndex(Start, size, Granule, marks: layout == "marks");
        Assert.True(index.TryInsert(Start, new ChunkEntry(Granule, 1, 1)));
        Assert.True(index.TryInsert(Start + size - 2 * Granule, new ChunkEntry(2 * Granule, 2, 2)));

        Assert.False(index.Overlaps(Start + Granule, size - 3 * Granule));
        Assert.True(index.Overlaps(Start + Granule, size - 2 * Granule));
        Assert.False(index.TryInsert(Start + Granule, new ChunkEntry(size - Granule, 3, 3)));
        Assert.True(index.TryInsert(Start + Granule, new ChunkEntry(size - 3 * Granule, 3, 3)));
        var collected = new List<ulong>();
        index.CollectOverlapping(Start, size, collected);
        Assert.Equal([Start, Start + Granule, Start + size - 2 * Granule], collected);

        Assert.True(index.Remove(Start + Granule, out ChunkEntry middle));
        Assert.Equal(new ChunkEntry(size - 3 * Granule, 3, 3), middle);
        Assert.True(index.Remove(Start + size - 2 * Granule, out ChunkEntry last));
        Assert.Equal(new ChunkEntry(2 * Granule, 2, 2), last);
        Assert.False(index.Overlaps(Start + Granule, size - Granule));
        Assert.True(index.Overlaps(Start + Granule / 2, Granule));
        Assert.Equal([(Start, new ChunkEntry(Granule, 1, 1))], Listed(index));
    }

    [Fact]
    public void Marks_keep_an_owner_index_or_slack_too_large_for_a_table_entry_and_give_it_back()
    {
        // A table entry holds an owner index below 65,535 and a slack (size − requested) below 8 MiB; beyond, the
        // details live in a side dictionary. Mixed with ordinary chunks, through insert, look-up, listing and removal.
        var index = new ChunkIndex(Start, 64UL << 20, Granule, marks: true);
        var chunks = new (ulong At, ChunkEntry Entry)[]
        {
            (Start, new ChunkEntry(Granule, Granule - 7, 65_534)),                     // fits (largest owner that does)
            (Start + Granule, new ChunkEntry(Granule, Granule, 65_535)),               // owner too large
            (Start + (1UL << 20), new ChunkEntry(16UL << 20, 1, 3)),                   // slack of 16 MiB − 1
            (Start + (17UL << 20), new ChunkEntry(8UL << 20, 1, 4)),                   // slack of 8 MiB − 1: fits
            (Start + (25UL << 20), new ChunkEntry(9UL << 20, (1UL << 20) - 1, 100_000)), // both too large
        };
        foreach ((ulong at, ChunkEntry entry) in chunks)
            Assert.True(index.TryInsert(at, entry));

        Assert.Equal(chunks, Listed(index));
        foreach ((ulong at, ChunkEntry entry) in chunks)
        {
            Assert.True(index.TryGet(at, out ChunkEntry got));
            Assert.Equal(entry, got);
        }
        Assert.True(index.Remove(Start + Granule, out ChunkEntry removed));
        Assert.Equal(chunks[1].Entry, removed);
        Assert.True(index.TryInsert(Start + Granule, new ChunkEntry(Granule, 1, 2)));
        Assert.True(index.Remove(Start + (25UL << 20), out removed));
        Assert.Equal(chunks[4].Entry, removed);
        Assert.Equal([chunks[0], (Start + Granule, new ChunkEntry(Granule, 1, 2)), chunks[2], chunks[3]], Listed(index));
    }

    [Fact]
    public void Marks_keep_every_chunks_details_through_a_table_grown_past_its_sparse_size()
    {
        // 100,000 chunks: the details table grows past 65,536 entries, where it is kept at most half full instead of a
        // quarter; then every other chunk is removed (backward-shift deletion in long runs) and the rest looked up.
        const int chunks = 100_000;
        var index = new ChunkIndex(Start, 1UL << 30, Granule, marks: true);
        for (int i = 0; i < chunks; i++)
            Assert.True(index.TryInsert(Start + (ulong)i * 2 * Granule, new ChunkEntry(Granule, (ulong)i % Granule, i)));
        for (int i = 0; i < chunks; i += 2)
        {
            Assert.True(index.Remove(Start + (ulong)i * 2 * Granule, out ChunkEntry removed));
            Assert.Equal(new ChunkEntry(Granule, (ulong)i % Granule, i), removed);
        }
        for (int i = 0; i < chunks; i++)
        {
            Assert.Equal(i % 2 == 1, index.TryGet(Start + (ulong)i * 2 * Granule, out ChunkEntry got));
            if (i % 2 == 1)
                Assert.Equal(new ChunkEntry(Granule, (ulong)i % Granule, i), got);
        }
        Assert.False(index.Remove(Start + Granule / 2, out _));
        Assert.Equal(chunks / 2, index.Count);
        Assert.Equal((ulong)chunks / 2 * Granule, index.Bytes);
    }

    [Fact]
    public void Marks_refuse_a_chunk_that_does_not_cover_whole_granules_and_change_nothing()
    {
        var index = new ChunkIndex(Start, 64UL << 20, Granule, marks: true);
        Assert.Throws<ArgumentException>(() => index.TryInsert(Start + 1, new ChunkEntry(Granule, Granule, 0)));
        Assert.Throws<ArgumentException>(() => index.TryInsert(Start, new ChunkEntry(Granule + 1, Granule, 0)));
        Assert.Equal(0, index.Count);
        Assert.Empty(Listed(index));
    }

    /// <summary>Every live chunk of <paramref name="index"/> in start order, as the region's dumps and replays see them.</summary>
    private static List<(ulong Start, ChunkEntry Entry)> Listed(ChunkIndex index)
    {
        var listed = new List<(ulong, ChunkEntry)>();
        index.ForEach((start, entry) => listed.Add((start, entry)));
        return listed;
    }
}
