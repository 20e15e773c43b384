namespace Cma.Plugins.Tests.Tlsf;

/// <summary>TLSF settings and their errors, traits, very large regions, the top of the address space, and the
/// corruption checks.</summary>
public sealed class TlsfRegionAndSettingsTests
{
    /// <summary>The granule used throughout: 4 KiB.</summary>
    private const ulong G = TlsfPlacementTests.G;

    [Fact]
    public void An_unknown_setting_is_reported_with_a_suggestion()
    {
        var error = Assert.Throws<CmaSettingsException>(() => FirstPartyPlugins.Create("tlsf", new CmaRegion("t", 1UL << 30, 16 * G, G),
            new Dictionary<string, string?> { ["SecondLevelBit"] = "4" }));

        Assert.Contains("'SecondLevelBit'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'SecondLevelBits'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("7")]
    [InlineData("five")]
    public void A_SecondLevelBits_outside_1_to_6_is_refused_with_the_range(string value)
    {
        var error = Assert.Throws<CmaSettingsException>(() => FirstPartyPlugins.Create("tlsf", new CmaRegion("t", 1UL << 30, 16 * G, G),
            new Dictionary<string, string?> { ["SecondLevelBits"] = value }));

        Assert.Contains("SecondLevelBits", error.Message, StringComparison.Ordinal);
        Assert.Contains("from 1 to 6", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Every_SecondLevelBits_gives_an_exact_allocator_that_coalesces_completely(int bits)
    {
        using ICmaAllocator tlsf = TlsfPlacementTests.Create(1UL << 30, 1000 * G, bits);
        ulong[] chunks = TlsfPlacementTests.AllocateAll(tlsf, 7 * G, 300 * G, G, 500 * G);
        tlsf.Free(chunks[1], 300 * G);
        tlsf.Free(chunks[3], 500 * G);
        Assert.True(tlsf.TryAllocate(299 * G, 64 * G, out ulong aligned));
        Assert.Equal(0UL, aligned % (64 * G));
        tlsf.Free(aligned, 299 * G);
        tlsf.Free(chunks[0], 7 * G);
        tlsf.Free(chunks[2], G);

        Assert.Equal(CmaAllocatorTraits.Exact(G), tlsf.Traits);
        Assert.Equal(ulong.MaxValue, tlsf.Traits.MaxRegionSize);
        Assert.True(tlsf.Traits.FreeAllLeavesOneBlock);
        Assert.Equal(new CmaAllocatorStats(1000 * G, 1000 * G, 1), tlsf.Stats);
    }

    [Fact]
    public void A_region_of_2_to_the_48_bytes_costs_no_more_up_front_than_a_small_one()
    {
        using (TlsfPlacementTests.Create(1UL << 30, 16 * G))
        {
            // Warm up the plugin catalog and the code paths.
        }

        long small = AllocatedBy(() => TlsfPlacementTests.Create(1UL << 30, 16 * G));
        long huge = AllocatedBy(() => TlsfPlacementTests.Create(1UL << 48, 1UL << 48));

        Assert.InRange(huge, 0, small + 1024);
        Assert.True(huge < 64 * 1024, $"Create allocated {huge} bytes");
    }

    [Fact]
    public void A_region_ending_at_the_top_of_the_address_space_is_usable_to_its_last_granule()
    {
        ulong start = ulong.MaxValue - (ulong.MaxValue % G) - 8 * G; // [2^64 - 9 granules, 2^64 - 1 granule)
        using ICmaAllocator tlsf = TlsfPlacementTests.Create(start, 8 * G);

        Assert.True(tlsf.TryAllocate(2 * G, 2 * G, out ulong first));
        Assert.True(tlsf.TryAllocate(5 * G, G, out ulong second));
        Assert.False(tlsf.TryAllocate(G, 1UL << 63, out _));
        tlsf.Free(first, 2 * G);
        tlsf.Free(second, 5 * G);

        Assert.Equal(start + G, first); // the first 2-granule-aligned address
        Assert.Equal(new CmaAllocatorStats(8 * G, 8 * G, 1), tlsf.Stats);
    }

    [Fact]
    public void With_a_one_byte_granule_sizes_and_alignments_up_to_2_to_the_63_do_not_overflow()
    {
        // [1, 2^64 - 1): the top size class, and size + alignment past 2^64. The only multiple of 2^63 inside is 2^63,
        // with 2^63 - 1 bytes after it.
        using ICmaAllocator tlsf = TlsfPlacementTests.Create(new CmaRegion("t", 1, ulong.MaxValue - 1, 1));

        Assert.False(tlsf.TryAllocate((1UL << 63) + 1, 1UL << 63, out _));
        Assert.False(tlsf.TryAllocate(1UL << 63, 1UL << 63, out _));
        Assert.True(tlsf.TryAllocate((1UL << 63) - 1, 1UL << 63, out ulong high));
        Assert.Equal(1UL << 63, high);
        Assert.Equal(new CmaAllocatorStats((1UL << 63) - 1, (1UL << 63) - 1, 1), tlsf.Stats);
        Assert.True(tlsf.TryAllocate((1UL << 63) - 1, 1, out ulong low));
        Assert.Equal(1UL, low);
        Assert.Equal(new CmaAllocatorStats(0, 0, 0), tlsf.Stats);
        tlsf.Free(high, (1UL << 63) - 1);
        tlsf.Free(low, (1UL << 63) - 1);

        Assert.Equal(new CmaAllocatorStats(ulong.MaxValue - 1, ulong.MaxValue - 1, 1), tlsf.Stats);
    }

#if DEBUG
    [Fact]
    public void A_chunk_freed_twice_fails_loudly()
    {
        using ICmaAllocator tlsf = TlsfPlacementTests.Create(1UL << 30, 16 * G);
        ulong[] chunks = TlsfPlacementTests.AllocateAll(tlsf, G, 2 * G, G);
        tlsf.Free(chunks[1], 2 * G);

        var error = Assert.Throws<InvalidOperationException>(() => tlsf.Free(chunks[1], 2 * G));

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
