using Cma.Runtime.Regions;

namespace Cma.Host.Tests.Guard;

/// <summary>The host's chunk registry: overlap checks across bucket boundaries and against far neighbours, and a seeded
/// random comparison with a naive list of live chunks.</summary>
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
        index.Insert(Start + (10UL << 20), new ChunkEntry(Granule, 0));

        Assert.True(index.Overlaps(Start, 16UL << 20));
        Assert.False(index.Overlaps(Start, 10UL << 20));
    }

    [Fact]
    public void A_range_that_starts_inside_a_long_chunk_from_an_earlier_bucket_overlaps_it()
    {
        ChunkIndex index = NewIndex();
        index.Insert(Start, new ChunkEntry(8UL << 20, 0));

        Assert.True(index.Overlaps(Start + (8UL << 20) - Granule, Granule));
        Assert.False(index.TryInsert(Start + (5UL << 20), new ChunkEntry(Granule, 1)));
        Assert.True(index.TryInsert(Start + (8UL << 20), new ChunkEntry(Granule, 1)));
        Assert.Equal(2, index.Count);
    }

    [Fact]
    public void Remove_of_an_address_where_no_chunk_starts_changes_nothing()
    {
        ChunkIndex index = NewIndex();
        index.Insert(Start + Granule, new ChunkEntry(2 * Granule, 3));

        Assert.False(index.Remove(Start + 2 * Granule, out _));
        Assert.False(index.Remove(Start - Granule, out _));
        Assert.False(index.Remove(Start + (64UL << 20), out _));
        Assert.True(index.TryGet(Start + Granule, out ChunkEntry entry));
        Assert.Equal(new ChunkEntry(2 * Granule, 3), entry);
    }

    [Fact]
    public void Random_inserts_and_removes_agree_with_a_naive_list_of_live_chunks()
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
            Assert.Equal(naiveOverlap, index.Overlaps(at, size));
            Assert.Equal(!naiveOverlap, index.TryInsert(at, new ChunkEntry(size, 0)));
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
            var entry = new ChunkEntry(Granule, step);
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
                foreach ((ulong start, ChunkEntry expected) in live)
                {
                    Assert.True(index.TryGet(start, out ChunkEntry got));
                    Assert.Equal(expected, got);
                }
                var listed = new List<ulong>();
                index.ForEach((start, _) => listed.Add(start));
                Assert.Equal(live.Keys.Order(), listed);
            }
        }
        Assert.Equal(live.Count, index.Count);
    }
}
