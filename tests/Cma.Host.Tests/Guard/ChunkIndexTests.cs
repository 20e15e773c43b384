using Cma.Runtime.Regions;

namespace Cma.Host.Tests.Guard;

/// <summary>The host's chunk registry through the calls the region makes (TryInsert, Remove, ForEach): overlap checks
/// across bucket boundaries and against far neighbours, and a seeded random comparison with a naive list of live chunks.</summary>
public class ChunkIndexTests
{
    private const ulong Granule = 4096;

    private const ulong Start = 1UL << 30;

    /// <summary>A 64 MiB region: buckets of 64 granules (256 KiB).</summary>
    private static ChunkIndex NewIndex() => new(Start, 64UL << 20, Granule);

    [Fact]
    public void A_range_that_encloses_a_chunk_in_a_later_bucket_overlaps_it()
    {
        ChunkIndex index = NewIndex();
        Assert.True(index.TryInsert(Start + (10UL << 20), new ChunkEntry(Granule, Granule, 0)));

        Assert.False(index.TryInsert(Start, new ChunkEntry(16UL << 20, 16UL << 20, 1)));
        Assert.True(index.TryInsert(Start, new ChunkEntry(10UL << 20, 10UL << 20, 1)));
    }

    [Fact]
    public void A_range_that_starts_inside_a_long_chunk_from_an_earlier_bucket_overlaps_it()
    {
        ChunkIndex index = NewIndex();
        Assert.True(index.TryInsert(Start, new ChunkEntry(8UL << 20, 8UL << 20, 0)));

        Assert.False(index.TryInsert(Start + (8UL << 20) - Granule, new ChunkEntry(Granule, Granule, 1)));
        Assert.False(index.TryInsert(Start + (5UL << 20), new ChunkEntry(Granule, Granule, 1)));
        Assert.True(index.TryInsert(Start + (8UL << 20), new ChunkEntry(Granule, Granule, 1)));
        Assert.Equal(2, index.Count);
    }

    [Fact]
    public void Remove_of_an_address_where_no_chunk_starts_changes_nothing()
    {
        ChunkIndex index = NewIndex();
        var entry = new ChunkEntry(2 * Granule, Granule + 1, 3);
        Assert.True(index.TryInsert(Start + Granule, entry));

        Assert.False(index.Remove(Start + 2 * Granule, out _));
        Assert.False(index.Remove(Start - Granule, out _));
        Assert.False(index.Remove(Start + (64UL << 20), out _));
        Assert.Equal([(Start + Granule, entry)], Listed(index));
    }

    [Fact]
    public void Random_inserts_removes_and_overlap_queries_agree_with_a_naive_list_of_live_chunks()
    {
        var random = new Random(42);
        ChunkIndex index = NewIndex();
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
            Assert.Equal(!naiveOverlap, index.TryInsert(at, new ChunkEntry(size, size, 0)));
            if (!naiveOverlap)
                live.Add(at, size);
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
    }

    [Fact]
    public void Sparse_buckets_keep_every_chunks_entry_through_inserts_and_removes()
    {
        // Few live chunks per 64-granule bucket: buckets keep going between empty, one chunk and a few.
        var random = new Random(7);
        ChunkIndex index = NewIndex();
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

    /// <summary>Every live chunk of <paramref name="index"/> in start order, as the region's dumps and replays see them.</summary>
    private static List<(ulong Start, ChunkEntry Entry)> Listed(ChunkIndex index)
    {
        var listed = new List<(ulong, ChunkEntry)>();
        index.ForEach((start, entry) => listed.Add((start, entry)));
        return listed;
    }
}
