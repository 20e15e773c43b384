namespace Cma.Plugins.Tests.Buddy;

/// <summary>Buddy settings and their errors, very large regions, the top of the address space, and the
/// corruption checks.</summary>
public sealed class BuddyRegionAndSettingsTests
{
    /// <summary>The granule used throughout: 4 KiB.</summary>
    private const ulong G = 4096;

    [Fact]
    public void Every_bad_setting_is_reported_at_once_with_a_suggestion()
    {
        var error = Assert.Throws<CmaSettingsException>(() =>
            BuddyAllocatorTests.Create(1UL << 30, 16 * G, ("MaxOrder", "64"), ("TrimTial", "true")));

        Assert.Contains("MaxOrder", error.Message, StringComparison.Ordinal);
        Assert.Contains("0 to 63", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'TrimTail'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_MaxOrder_that_cuts_a_huge_region_into_too_many_blocks_is_refused_with_one_that_fits()
    {
        var error = Assert.Throws<CmaSettingsException>(() =>
            BuddyAllocatorTests.Create(1UL << 30, 1UL << 48, ("MaxOrder", "4")));

        // 2^36 granules in at most 2^20 blocks need blocks of 2^16 granules.
        Assert.Contains("Set MaxOrder to 16 or more", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_2_to_the_48_byte_region_costs_nothing_up_front()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();

        using ICmaAllocator buddy = BuddyAllocatorTests.Create(G, 1UL << 48);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"Create allocated {allocated} bytes");
        Assert.Equal(1UL << 47, buddy.Stats.LargestFreeBlock);
        Assert.Equal(1UL << 48, buddy.Stats.FreeBytes);
    }

    [Fact]
    public void Blocks_near_the_top_of_the_address_space_split_and_merge_without_overflow()
    {
        // The region ends one granule below 2^64.
        ulong size = 1UL << 40;
        ulong start = ulong.MaxValue - G + 1 - size;
        using ICmaAllocator buddy = BuddyAllocatorTests.Create(start, size);
        ulong blocks = buddy.Stats.FreeBlockCount;

        Assert.True(buddy.TryAllocate(1UL << 39, 1UL << 39, out ulong big));
        Assert.False(buddy.TryAllocate(G, 1UL << 62, out _)); // no multiple of 2^62 lies in the region
        buddy.Free(big, 1UL << 39);

        Assert.Equal(0UL, big % (1UL << 39));
        Assert.True(big >= start && big - start <= size - (1UL << 39));
        Assert.Equal(size, buddy.Stats.FreeBytes);
        Assert.Equal(blocks, buddy.Stats.FreeBlockCount);
    }

    [Fact]
    public void Freeing_a_block_twice_fails_loudly()
    {
        using ICmaAllocator buddy = BuddyAllocatorTests.Create(1UL << 30, 16 * G);
        Assert.True(buddy.TryAllocate(G, G, out _));
        Assert.True(buddy.TryAllocate(G, G, out ulong second));
        buddy.Free(second, G);

        Assert.Throws<InvalidOperationException>(() => buddy.Free(second, G));
    }

#if DEBUG
    [Fact]
    public void In_Debug_builds_the_invariant_check_catches_a_double_free_inside_a_merged_block()
    {
        using ICmaAllocator buddy = BuddyAllocatorTests.Create(1UL << 30, 16 * G);
        Assert.True(buddy.TryAllocate(G, G, out ulong first));
        Assert.True(buddy.TryAllocate(G, G, out ulong second));
        buddy.Free(second, G);
        buddy.Free(first, G);

        // The second granule is now inside the one free block of order 4; no free block starts there.
        var error = Assert.Throws<InvalidOperationException>(() => buddy.Free(second, G));

        Assert.Contains("overlaps a free block", error.Message, StringComparison.Ordinal);
    }
#endif
}
