namespace Cma.Plugins.Tests.Buddy;

/// <summary>What is specific to the buddy algorithm: which block is chosen, how the region is tiled, rounding,
/// MaxOrder and TrimTail. The generic contract checks are the conformance kit's.</summary>
public sealed class BuddyAllocatorTests
{
    /// <summary>The granule used throughout: 4 KiB.</summary>
    private const ulong G = 4096;

    /// <summary>A start aligned to 2^18 granules (1 GiB), so small regions there are naturally aligned blocks.</summary>
    private const ulong AlignedStart = 1UL << 30;

    [Fact]
    public void A_region_that_is_one_aligned_power_of_two_is_one_free_block()
    {
        using ICmaAllocator buddy = Create(AlignedStart, 16 * G);

        Assert.Equal(new CmaAllocatorStats(16 * G, 16 * G, 1), buddy.Stats);
        Assert.True(buddy.Traits.FreeAllLeavesOneBlock);
    }

    [Fact]
    public void An_unaligned_region_is_tiled_with_the_largest_aligned_blocks_and_never_merges_across_its_edges()
    {
        // Granules [3, 40) tile as 3, 4..8, 8..16, 16..32, 32..40.
        using ICmaAllocator buddy = Create(3 * G, 37 * G);
        Assert.Equal(new CmaAllocatorStats(37 * G, 16 * G, 5), buddy.Stats);
        Assert.False(buddy.Traits.FreeAllLeavesOneBlock);

        var chunks = new List<ulong>();
        while (buddy.TryAllocate(G, G, out ulong address))
            chunks.Add(address);
        foreach (ulong address in chunks)
            buddy.Free(address, G);

        Assert.Equal(37, chunks.Count);
        Assert.Equal(new CmaAllocatorStats(37 * G, 16 * G, 5), buddy.Stats);
    }

    [Fact]
    public void A_request_reserves_its_size_rounded_up_to_a_power_of_two_of_granules()
    {
        using ICmaAllocator buddy = Create(AlignedStart, 16 * G);

        Assert.True(buddy.TryAllocate(3 * G, G, out _));

        Assert.Equal(CmaRounding.PowerOfTwo, buddy.Traits.Rounding);
        Assert.Equal(12 * G, buddy.Stats.FreeBytes);
    }

    [Fact]
    public void Allocation_splits_the_block_and_keeps_its_head()
    {
        using ICmaAllocator buddy = Create(AlignedStart, 16 * G);

        Assert.True(buddy.TryAllocate(G, G, out ulong address));

        Assert.Equal(AlignedStart, address);
        // The halves split off: 1 (order 0), 2..4 (order 1), 4..8 (order 2), 8..16 (order 3).
        Assert.Equal(new CmaAllocatorStats(15 * G, 8 * G, 4), buddy.Stats);
    }

    [Fact]
    public void Free_merges_with_the_buddy_all_the_way_back_to_the_whole_block()
    {
        using ICmaAllocator buddy = Create(AlignedStart, 16 * G);
        Assert.True(buddy.TryAllocate(G, G, out ulong first));
        Assert.True(buddy.TryAllocate(G, G, out ulong second));
        Assert.Equal(first + G, second);

        buddy.Free(first, G);
        Assert.Equal(4UL, buddy.Stats.FreeBlockCount); // 0, 2..4, 4..8, 8..16: the buddy 1 is still live
        buddy.Free(second, G);

        Assert.Equal(new CmaAllocatorStats(16 * G, 16 * G, 1), buddy.Stats);
    }

    [Fact]
    public void Within_an_order_the_most_recently_freed_block_is_reused_first()
    {
        using ICmaAllocator buddy = Create(AlignedStart, 16 * G);
        var quarters = new ulong[4];
        for (int i = 0; i < 4; i++)
            Assert.True(buddy.TryAllocate(4 * G, G, out quarters[i]));
        buddy.Free(quarters[0], 4 * G);
        buddy.Free(quarters[2], 4 * G);

        Assert.True(buddy.TryAllocate(4 * G, G, out ulong address));

        Assert.Equal(quarters[2], address);
    }

    [Fact]
    public void An_alignment_larger_than_the_request_takes_a_block_of_the_alignments_order()
    {
        using ICmaAllocator buddy = Create(AlignedStart, 16 * G);
        Assert.True(buddy.TryAllocate(G, G, out _));

        Assert.True(buddy.TryAllocate(G, 8 * G, out ulong address));

        Assert.Equal(AlignedStart + 8 * G, address);
        Assert.Equal(14 * G, buddy.Stats.FreeBytes);
    }

    [Fact]
    public void Alignment_is_of_the_absolute_address_even_when_the_region_start_is_not_aligned()
    {
        // Granules [0x40001, 0x40001 + 1024): the first 1 MiB (256-granule) boundary inside is 0x40100.
        ulong start = AlignedStart + G;
        using ICmaAllocator buddy = Create(start, 1024 * G);

        Assert.True(buddy.TryAllocate(2 * G, 1UL << 20, out ulong address));

        Assert.Equal(0UL, address % (1UL << 20));
        Assert.Equal(AlignedStart + (1UL << 20), address);
    }

    [Fact]
    public void An_alignment_above_every_free_blocks_order_still_finds_a_small_block_that_is_aligned()
    {
        // Granules [16, 19) hold blocks 16..18 (order 1) and 18 (order 0); 16 is a multiple of 16.
        using ICmaAllocator buddy = Create(16 * G, 3 * G);

        Assert.True(buddy.TryAllocate(G, 16 * G, out ulong address));

        Assert.Equal(16 * G, address);
        Assert.False(buddy.TryAllocate(G, 16 * G, out _));
    }

    [Fact]
    public void A_request_above_two_to_the_MaxOrder_granules_fails_and_blocks_stop_at_that_order()
    {
        using ICmaAllocator buddy = Create(AlignedStart, 16 * G, ("MaxOrder", "2"));

        Assert.Equal(new CmaAllocatorStats(16 * G, 4 * G, 4), buddy.Stats);
        Assert.False(buddy.Traits.FreeAllLeavesOneBlock);
        Assert.False(buddy.TryAllocate(5 * G, G, out _));
        Assert.True(buddy.TryAllocate(4 * G, G, out ulong address));
        buddy.Free(address, 4 * G);
        Assert.Equal(4UL, buddy.Stats.FreeBlockCount);
    }

    [Fact]
    public void TrimTail_reserves_exactly_the_granules_asked_for_and_reuses_the_tail()
    {
        using ICmaAllocator buddy = Create(AlignedStart, 16 * G, ("TrimTail", "true"));
        Assert.Equal(CmaRounding.Multiple, buddy.Traits.Rounding);

        Assert.True(buddy.TryAllocate(3 * G, G, out ulong first));
        Assert.Equal(13 * G, buddy.Stats.FreeBytes);
        Assert.True(buddy.TryAllocate(G, G, out ulong tail));

        Assert.Equal(first + 3 * G, tail);
        buddy.Free(first, 3 * G);
        buddy.Free(tail, G);
        Assert.Equal(new CmaAllocatorStats(16 * G, 16 * G, 1), buddy.Stats);
    }

    [Fact]
    public void TrimTail_frees_an_allocation_piecewise_and_merges_it_with_its_own_tail()
    {
        using ICmaAllocator buddy = Create(AlignedStart, 16 * G, ("TrimTail", "true"));
        Assert.True(buddy.TryAllocate(7 * G, G, out ulong address));
        // Left free: the tail 7 (order 0) and the upper half 8..16 (order 3).
        Assert.Equal(new CmaAllocatorStats(9 * G, 8 * G, 2), buddy.Stats);

        buddy.Free(address, 7 * G);

        Assert.Equal(new CmaAllocatorStats(16 * G, 16 * G, 1), buddy.Stats);
    }

    [Fact]
    public void TrimTail_free_while_the_tail_is_in_use_leaves_aligned_pieces_that_merge_once_the_tail_is_freed()
    {
        using ICmaAllocator buddy = Create(AlignedStart, 16 * G, ("TrimTail", "true"));
        Assert.True(buddy.TryAllocate(7 * G, G, out ulong seven));
        Assert.True(buddy.TryAllocate(G, G, out ulong tail));
        Assert.Equal(seven + 7 * G, tail);

        buddy.Free(seven, 7 * G);
        // Free: 0..4 (order 2), 4..6 (order 1), 6 (order 0), 8..16 (order 3); granule 7 is still live.
        Assert.Equal(new CmaAllocatorStats(15 * G, 8 * G, 4), buddy.Stats);
        buddy.Free(tail, G);

        Assert.Equal(new CmaAllocatorStats(16 * G, 16 * G, 1), buddy.Stats);
    }

    /// <summary>A buddy allocator for <c>[start, start + size)</c> with 4 KiB granules and the given settings.</summary>
    internal static ICmaAllocator Create(ulong start, ulong size, params (string Key, string Value)[] settings)
    {
        var section = new Dictionary<string, string?>();
        foreach ((string key, string value) in settings)
            section[key] = value;
        return FirstPartyPlugins.Create("buddy", new CmaRegion("test", start, size, G), section);
    }
}
