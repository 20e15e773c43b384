namespace Cma.Plugins.Tests.BestFit;

/// <summary>Best-fit settings, traits, huge regions, the top of the address space, and the Debug corruption checks.</summary>
public sealed class BestFitRegionAndSettingsTests
{
    /// <summary>The granule used throughout (16 bytes, see <see cref="BestFitPlacementTests.G"/>).</summary>
    private const ulong G = BestFitPlacementTests.G;

    [Fact]
    public void Any_setting_is_rejected_with_a_message_that_best_fit_takes_none()
    {
        var error = Assert.Throws<CmaSettingsException>(() =>
            BestFitPlacementTests.Create(1UL << 30, 16 * G, new Dictionary<string, string?> { ["Fit"] = "next" }));

        Assert.Contains("'Fit'", error.Message, StringComparison.Ordinal);
        Assert.Contains("takes no settings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Traits_are_exact_to_the_granule_for_any_region_size()
    {
        using ICmaAllocator bestFit = BestFitPlacementTests.Create(1UL << 30, 16 * G);

        Assert.Equal(CmaAllocatorTraits.Exact(G), bestFit.Traits);
        Assert.Equal(ulong.MaxValue, bestFit.Traits.MaxRegionSize);
    }

    [Fact]
    public void A_region_of_2_to_the_48_bytes_costs_no_more_memory_up_front_than_a_small_one()
    {
        using (BestFitPlacementTests.Create(1UL << 30, 16 * G))
        {
            // Warm up the plugin catalog and the code paths.
        }

        long small = AllocatedBy(() => BestFitPlacementTests.Create(1UL << 30, 16 * G));
        long huge = AllocatedBy(() => BestFitPlacementTests.Create(1UL << 48, 1UL << 48));

        Assert.InRange(huge, 0, small + 1024);
        Assert.True(huge < 64 * 1024, $"Create allocated {huge} bytes");
    }

    [Fact]
    public void A_huge_region_is_one_hole_and_can_be_handed_out_whole()
    {
        using ICmaAllocator bestFit = BestFitPlacementTests.Create(1UL << 48, 1UL << 48);
        Assert.Equal(new CmaAllocatorStats(1UL << 48, 1UL << 48, 1), bestFit.Stats);

        Assert.True(bestFit.TryAllocate(1UL << 48, 1UL << 48, out ulong address));

        Assert.Equal(1UL << 48, address);
        Assert.Equal(new CmaAllocatorStats(0, 0, 0), bestFit.Stats);
    }

    [Fact]
    public void A_region_ending_at_the_top_of_the_address_space_is_usable_to_its_last_granule()
    {
        ulong start = ulong.MaxValue - (ulong.MaxValue % G) - 8 * G; // [2^64 - 9 granules, 2^64 - 1 granule)
        using ICmaAllocator bestFit = BestFitPlacementTests.Create(start, 8 * G);

        Assert.True(bestFit.TryAllocate(2 * G, 2 * G, out ulong first));
        Assert.True(bestFit.TryAllocate(5 * G, G, out ulong second));
        Assert.False(bestFit.TryAllocate(2 * G, 1UL << 63, out _));
        bestFit.Free(first, 2 * G);
        bestFit.Free(second, 5 * G);

        Assert.Equal(start + G, first); // the first 2-granule-aligned address
        Assert.Equal(new CmaAllocatorStats(8 * G, 8 * G, 1), bestFit.Stats);
    }

#if DEBUG
    [Fact]
    public void A_chunk_freed_twice_fails_loudly_in_a_Debug_build()
    {
        using ICmaAllocator bestFit = BestFitPlacementTests.Create(1UL << 30, 16 * G);
        ulong[] chunks = BestFitPlacementTests.AllocateAll(bestFit, G, 2 * G, G);
        bestFit.Free(chunks[1], 2 * G);

        var error = Assert.Throws<InvalidOperationException>(() => bestFit.Free(chunks[1], 2 * G));

        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }
#endif

    /// <summary>Managed bytes allocated on this thread while <paramref name="create"/> runs.</summary>
    private static long AllocatedBy(Func<ICmaAllocator> create)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        ICmaAllocator allocator = create();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        allocator.Dispose();
        return allocated;
    }
}
