namespace Cma.Plugins.Tests.BestFit;

/// <summary>What is specific to best fit: which hole is chosen, where in the hole the chunk goes, and how frees
/// coalesce. The generic contract checks are the conformance kit's.</summary>
public sealed class BestFitPlacementTests
{
    /// <summary>The granule used throughout: 16 bytes, so every chunk below 64 granules is small (under 1 KiB) and goes
    /// at its hole's head (or, aligned, by the RFC's rule); the large-chunk rule has its own test.</summary>
    internal const ulong G = 16;

    /// <summary>A start aligned to 1 GiB, so offsets in small regions there are absolute alignments too.</summary>
    internal const ulong AlignedStart = 1UL << 30;

    [Fact]
    public void The_smallest_hole_that_fits_wins_even_when_a_larger_hole_comes_first()
    {
        using ICmaAllocator bestFit = Create(AlignedStart, 64 * G);
        ulong[] chunks = AllocateAll(bestFit, 8 * G, G, 4 * G, G, 50 * G);
        bestFit.Free(chunks[0], 8 * G); // hole of 8 granules at the start
        bestFit.Free(chunks[2], 4 * G); // hole of 4 granules further up

        Assert.True(bestFit.TryAllocate(3 * G, G, out ulong address));

        Assert.Equal(chunks[2], address);
    }

    [Fact]
    public void Among_holes_of_equal_size_the_last_freed_wins()
    {
        using ICmaAllocator bestFit = Create(AlignedStart, 64 * G);
        ulong[] chunks = AllocateAll(bestFit, G, 2 * G, G, 2 * G, G, 2 * G, 55 * G);
        bestFit.Free(chunks[5], 2 * G);
        bestFit.Free(chunks[1], 2 * G);
        bestFit.Free(chunks[3], 2 * G);

        Assert.True(bestFit.TryAllocate(2 * G, G, out ulong address));

        Assert.Equal(chunks[3], address); // last in, first out
    }

    [Fact]
    public void A_hole_that_cannot_hold_the_request_once_aligned_is_passed_over_for_the_next_larger_one()
    {
        // Hole of 6 granules at granule 1 (no 4-granule-aligned window of 4 granules: 4..8 runs past 7),
        // then a hole of 7 granules at granule 16. The RFC's successor loop broke exactly here.
        using ICmaAllocator bestFit = Create(AlignedStart, 64 * G);
        ulong[] chunks = AllocateAll(bestFit, G, 6 * G, 9 * G, 7 * G, 41 * G);
        bestFit.Free(chunks[1], 6 * G);
        bestFit.Free(chunks[3], 7 * G);

        Assert.True(bestFit.TryAllocate(4 * G, 4 * G, out ulong address));

        Assert.Equal(AlignedStart + 16 * G, address);
    }

    [Fact]
    public void The_chunk_goes_at_the_aligned_head_and_the_padding_before_it_stays_a_hole()
    {
        using ICmaAllocator bestFit = Create(AlignedStart + 3 * G, 61 * G);

        Assert.True(bestFit.TryAllocate(2 * G, 16 * G, out ulong address));

        Assert.Equal(AlignedStart + 16 * G, address);
        // Holes: granules 3..16 (13) and 18..64 (46).
        Assert.Equal(new CmaAllocatorStats(59 * G, 46 * G, 2), bestFit.Stats);
    }

    [Fact]
    public void When_the_tail_is_a_multiple_of_the_alignment_the_chunk_goes_at_the_end_of_the_hole_instead_of_splitting_it()
    {
        // Region granules 3..36: aligned head at 8 leaves a tail of 36 - 8 - 4 = 24 granules, a multiple of 8.
        using ICmaAllocator bestFit = Create(AlignedStart + 3 * G, 33 * G);

        Assert.True(bestFit.TryAllocate(4 * G, 8 * G, out ulong address));

        Assert.Equal(AlignedStart + 32 * G, address);
        Assert.Equal(new CmaAllocatorStats(29 * G, 29 * G, 1), bestFit.Stats);
    }

    [Fact]
    public void Alignment_is_of_the_absolute_address_not_of_the_offset_in_the_region()
    {
        // The region [1G + 4K, 1G + 2M) starts one granule past a 1 MiB boundary: offset 1M - G is the aligned one.
        using ICmaAllocator bestFit = Create(AlignedStart + G, (1UL << 21) - G);

        Assert.True(bestFit.TryAllocate(G, 1UL << 20, out ulong address));

        Assert.Equal(AlignedStart + (1UL << 20), address);
    }

    [Fact]
    public void Freeing_a_chunk_between_two_holes_merges_the_three_into_one()
    {
        using ICmaAllocator bestFit = Create(AlignedStart, 16 * G);
        ulong[] chunks = AllocateAll(bestFit, 2 * G, 3 * G, 4 * G, 7 * G);
        bestFit.Free(chunks[0], 2 * G);
        bestFit.Free(chunks[2], 4 * G);
        Assert.Equal(new CmaAllocatorStats(6 * G, 4 * G, 2), bestFit.Stats);

        bestFit.Free(chunks[1], 3 * G);

        Assert.Equal(new CmaAllocatorStats(9 * G, 9 * G, 1), bestFit.Stats);
        Assert.True(bestFit.TryAllocate(9 * G, G, out ulong address));
        Assert.Equal(AlignedStart, address);
    }

    [Fact]
    public void Stats_count_the_holes_and_report_the_largest_one()
    {
        using ICmaAllocator bestFit = Create(AlignedStart, 32 * G);
        ulong[] chunks = AllocateAll(bestFit, G, 5 * G, G, 3 * G, G, 21 * G);
        bestFit.Free(chunks[1], 5 * G);
        bestFit.Free(chunks[3], 3 * G);

        Assert.Equal(new CmaAllocatorStats(8 * G, 5 * G, 2), bestFit.Stats);
        Assert.False(bestFit.TryAllocate(6 * G, G, out _));
        Assert.True(bestFit.TryAllocate(5 * G, G, out _));
    }

    [Fact]
    public void A_large_chunk_goes_at_its_hole_end_when_that_is_aligned_and_a_small_one_at_the_head()
    {
        // Region [1G + 1 granule, 1G + 256 granules): 255 granules, ending on a 128-granule boundary.
        using ICmaAllocator bestFit = Create(AlignedStart + G, 255 * G);

        Assert.True(bestFit.TryAllocate(G, G, out ulong small));
        Assert.True(bestFit.TryAllocate(64 * G, 64 * G, out ulong large)); // 1 KiB: large; end − size is 64G-aligned
        Assert.True(bestFit.TryAllocate(64 * G, 128 * G, out ulong headAligned)); // end − size (128G) is aligned too

        Assert.Equal(AlignedStart + G, small);
        Assert.Equal(AlignedStart + (192 * G), large);
        Assert.Equal(AlignedStart + (128 * G), headAligned);
        Assert.False(bestFit.TryAllocate(64 * G, 128 * G, out _)); // [2G, 128G) has no 128G-aligned address
        Assert.True(bestFit.TryAllocate(64 * G, 32 * G, out ulong unalignedEnd));
        Assert.Equal(AlignedStart + (64 * G), unalignedEnd); // hole [2G, 128G): end − size = 64G, aligned → at the end
    }

    [Fact]
    public void With_a_granule_of_1_KiB_or_more_every_chunk_goes_at_the_head()
    {
        using ICmaAllocator bestFit = FirstPartyPlugins.Create("best-fit", new CmaRegion("bf", AlignedStart, 1 << 20, 4096), null);

        Assert.True(bestFit.TryAllocate(64 * 1024, 4096, out ulong address));

        Assert.Equal(AlignedStart, address);
    }

    /// <summary>A best-fit allocator from the real plugin DLL.</summary>
    internal static ICmaAllocator Create(ulong start, ulong size, IReadOnlyDictionary<string, string?>? settings = null) =>
        FirstPartyPlugins.Create("best-fit", new CmaRegion("bf", start, size, G), settings);

    /// <summary>Allocates each size in turn with granule alignment; asserts each succeeds.</summary>
    internal static ulong[] AllocateAll(ICmaAllocator allocator, params ulong[] sizes)
    {
        ulong[] addresses = new ulong[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
            Assert.True(allocator.TryAllocate(sizes[i], G, out addresses[i]));
        return addresses;
    }
}
