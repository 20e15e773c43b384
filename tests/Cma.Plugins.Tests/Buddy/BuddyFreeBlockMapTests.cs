namespace Cma.Plugins.Tests.Buddy;

/// <summary>The free-block map under load: many thousands of free blocks, so that its table grows past the sparse
/// range (at most 1/8 full up to 64K entries, at most 1/2 beyond), entries collide and shift back on removal, and list
/// heads are taken through the slot → entry link rather than a look-up. In Debug builds the allocator's periodic
/// full check also verifies that link for every free block.</summary>
public sealed class BuddyFreeBlockMapTests
{
    /// <summary>The granule used throughout: 4 KiB.</summary>
    private const ulong G = 4096;

    /// <summary>Granules in the test region: 2^15, so freeing every other granule leaves 16K free blocks.</summary>
    private const int Granules = 1 << 15;

    [Fact]
    public void Sixteen_thousand_free_blocks_come_back_most_recent_first_and_merge_back_into_one()
    {
        const ulong start = 1UL << 30;
        using ICmaAllocator buddy = BuddyAllocatorTests.Create(start, Granules * G);
        var addresses = new ulong[Granules];
        for (int i = 0; i < Granules; i++)
        {
            Assert.True(buddy.TryAllocate(G, G, out addresses[i]));
            Assert.Equal(start + (ulong)i * G, addresses[i]);
        }
        Assert.Equal(new CmaAllocatorStats(0, 0, 0), buddy.Stats);

        // Every even granule: none can merge (its buddy, the odd granule above, is live).
        for (int i = 0; i < Granules; i += 2)
            buddy.Free(addresses[i], G);
        Assert.Equal(new CmaAllocatorStats(Granules / 2 * G, G, Granules / 2), buddy.Stats);

        // Taken back most recently freed first; then freed again in a scrambled order.
        for (int i = Granules - 2; i >= 0; i -= 2)
        {
            Assert.True(buddy.TryAllocate(G, G, out ulong address));
            Assert.Equal(addresses[i], address);
        }
        Assert.Equal(0UL, buddy.Stats.FreeBlockCount);
        var random = new Random(7);
        int[] evens = Enumerable.Range(0, Granules / 2).Select(i => 2 * i).ToArray();
        random.Shuffle(evens);
        foreach (int i in evens)
            buddy.Free(addresses[i], G);
        Assert.Equal(new CmaAllocatorStats(Granules / 2 * G, G, Granules / 2), buddy.Stats);

        // Every odd granule, in a scrambled order: each merges with its even buddy and on up as far as it can.
        int[] odds = evens.Select(i => i + 1).ToArray();
        random.Shuffle(odds);
        foreach (int i in odds)
            buddy.Free(addresses[i], G);
        Assert.Equal(new CmaAllocatorStats(Granules * G, Granules * G, 1), buddy.Stats);
    }
}
