namespace Cma.Plugins.Tests.ExactPlacement;

/// <summary>What buddy's <see cref="ICmaExactPlacement.TryReserve"/> accepts (README "Exact placement"): a range that
/// starts on the boundary of its own block (2^ceil(log2(granules)) granules, in absolute address) and whose block is
/// free — the whole block by default, only the range with TrimTail; everything else is refused and changes nothing.</summary>
public sealed class BuddyExactPlacementTests
{
    /// <summary>The granule: 4 KiB.</summary>
    private const ulong G = 4096;

    /// <summary>1 GiB: aligned to every block the tests use.</summary>
    private const ulong Base = 1UL << 30;

    [Fact]
    public void A_power_of_two_range_aligned_to_its_size_is_accepted_and_split_out_of_its_free_block()
    {
        using ICmaAllocator buddy = Create(Base, 16 * G);

        Assert.True(Reserve(buddy, Base + 4 * G, 4 * G));

        // 0..16 splits into 0..4 (free), 4..8 (reserved), 8..16 (free).
        Assert.Equal(new CmaAllocatorStats(12 * G, 8 * G, 2), buddy.Stats);
        buddy.Free(Base + 4 * G, 4 * G);
        Assert.Equal(new CmaAllocatorStats(16 * G, 16 * G, 1), buddy.Stats);
    }

    [Theory]
    [InlineData(2, 4)] // 4 granules must start on a multiple of 4
    [InlineData(6, 4)]
    [InlineData(1, 2)]
    [InlineData(4, 8)] // 8 granules must start on a multiple of 8
    public void A_range_that_does_not_start_on_its_blocks_boundary_is_refused(int startGranule, int granules)
    {
        using ICmaAllocator buddy = Create(Base, 16 * G);

        Assert.False(Reserve(buddy, Base + (ulong)startGranule * G, (ulong)granules * G));
        Assert.Equal(new CmaAllocatorStats(16 * G, 16 * G, 1), buddy.Stats);
    }

    [Fact]
    public void A_range_that_is_not_a_power_of_two_takes_its_whole_rounded_block_which_must_be_free()
    {
        using ICmaAllocator buddy = Create(Base, 16 * G);
        Assert.True(Reserve(buddy, Base + 7 * G, G)); // granule 7 busy
        CmaAllocatorStats before = buddy.Stats;

        Assert.False(Reserve(buddy, Base + 4 * G, 3 * G)); // 4..7 is free, but 3 granules take the block 4..8, whose 7 is busy
        Assert.Equal(before, buddy.Stats);
        Assert.True(Reserve(buddy, Base + 8 * G, 3 * G)); // the block 8..12 is free: reserved whole (4 granules)
        Assert.Equal(before.FreeBytes - 4 * G, buddy.Stats.FreeBytes);
        buddy.Free(Base + 8 * G, 3 * G);
        Assert.Equal(before, buddy.Stats);
    }

    [Fact]
    public void A_rounded_block_that_would_run_past_the_regions_end_is_refused()
    {
        using ICmaAllocator buddy = Create(Base, 15 * G); // 8..15 tiles as 8..12, 12..14, 14

        Assert.False(Reserve(buddy, Base + 12 * G, 3 * G)); // 3 granules need the block 12..16; 15 is outside
        Assert.True(Reserve(buddy, Base + 12 * G, 2 * G));
        Assert.Equal(13 * G, buddy.Stats.FreeBytes);
    }

    [Fact]
    public void A_range_over_a_live_allocation_or_an_earlier_reserve_is_refused_and_changes_nothing()
    {
        using ICmaAllocator buddy = Create(Base, 64 * G);
        Assert.True(buddy.TryAllocate(8 * G, G, out ulong chunk));
        Assert.True(Reserve(buddy, Base + 16 * G, 16 * G));
        CmaAllocatorStats before = buddy.Stats;

        Assert.False(Reserve(buddy, chunk, 8 * G));
        Assert.False(Reserve(buddy, chunk, 16 * G));
        Assert.False(Reserve(buddy, Base + 16 * G, 16 * G));
        Assert.False(Reserve(buddy, Base + 24 * G, 8 * G));
        Assert.False(Reserve(buddy, Base, 64 * G));

        Assert.Equal(before, buddy.Stats);
    }

    [Fact]
    public void A_range_above_max_order_is_refused()
    {
        using ICmaAllocator buddy = Create(Base, 64 * G, new() { ["MaxOrder"] = "3" });

        Assert.False(Reserve(buddy, Base, 16 * G));
        Assert.True(Reserve(buddy, Base, 8 * G));
    }

    [Fact]
    public void With_TrimTail_only_the_range_must_be_free_and_only_the_range_is_reserved()
    {
        using ICmaAllocator buddy = Create(Base, 16 * G, new() { ["TrimTail"] = "true" });
        Assert.True(Reserve(buddy, Base + 3 * G, G)); // granule 3 busy: the tail of block 0..4

        Assert.True(Reserve(buddy, Base, 3 * G)); // 0..3 is free; its block's tail (3) need not be
        Assert.Equal(12 * G, buddy.Stats.FreeBytes);
        Assert.False(Reserve(buddy, Base + 5 * G, 3 * G)); // 3 granules must start on a multiple of 4

        buddy.Free(Base, 3 * G);
        buddy.Free(Base + 3 * G, G);
        Assert.Equal(new CmaAllocatorStats(16 * G, 16 * G, 1), buddy.Stats);
    }

    [Fact]
    public void With_TrimTail_a_range_over_pieces_left_by_an_earlier_trimmed_allocation_is_accepted()
    {
        using ICmaAllocator buddy = Create(Base, 16 * G, new() { ["TrimTail"] = "true" });
        Assert.True(buddy.TryAllocate(3 * G, G, out ulong three)); // 0..3, tail 3 free
        Assert.True(Reserve(buddy, Base + 3 * G, G));              // takes the tail
        buddy.Free(three, 3 * G);                                    // 0..2 and 2 come back, unmerged: 3 is live

        Assert.True(Reserve(buddy, Base, 3 * G)); // spans the free blocks 0..2 and 2..3
        Assert.Equal(12 * G, buddy.Stats.FreeBytes);
    }

    private static bool Reserve(ICmaAllocator allocator, ulong address, ulong size) =>
        ((ICmaExactPlacement)allocator).TryReserve(address, size);

    private static ICmaAllocator Create(ulong start, ulong size, Dictionary<string, string?>? settings = null) =>
        FirstPartyPlugins.Create("buddy", new CmaRegion("r", start, size, G), settings);
}
