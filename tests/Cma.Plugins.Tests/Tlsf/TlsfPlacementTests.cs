namespace Cma.Plugins.Tests.Tlsf;

/// <summary>What is specific to TLSF: exact sizes, exact alignment with the gap left free, which block a request takes,
/// the walk of the request's own size class when nothing larger is free, and the exact largest free block.</summary>
public sealed class TlsfPlacementTests
{
    /// <summary>The granule used throughout: 4 KiB.</summary>
    public const ulong G = 4096;

    /// <summary>A start 1 GiB in: aligned to every alignment these tests use.</summary>
    private const ulong Start = 1UL << 30;

    [Fact]
    public void A_request_reserves_exactly_its_size_at_the_start_of_the_region()
    {
        using ICmaAllocator tlsf = Create(Start, 64 * G);

        Assert.True(tlsf.TryAllocate(3 * G, G, out ulong address));

        Assert.Equal(Start, address);
        Assert.Equal(new CmaAllocatorStats(61 * G, 61 * G, 1), tlsf.Stats);
        Assert.Equal(CmaAllocatorTraits.Exact(G), tlsf.Traits);
    }

    [Fact]
    public void An_aligned_request_reserves_only_its_size_and_the_gap_before_it_stays_free()
    {
        // Granules [3, 103) from 1 GiB: the first multiple of 16 granules is granule 16.
        using ICmaAllocator tlsf = Create(Start + 3 * G, 100 * G);

        Assert.True(tlsf.TryAllocate(G, 16 * G, out ulong address));

        Assert.Equal(Start + 16 * G, address);
        Assert.Equal(new CmaAllocatorStats(99 * G, 86 * G, 2), tlsf.Stats); // the gap [3, 16) and the tail [17, 103)
        tlsf.Free(address, G);
        Assert.Equal(new CmaAllocatorStats(100 * G, 100 * G, 1), tlsf.Stats);
    }

    [Fact]
    public void An_aligned_request_that_only_fits_without_padding_is_found_by_the_walk()
    {
        // Granules [6, 11): a block of 5 granules cannot guarantee a multiple of 8 (that needs 8), but granule 8 is in it.
        using ICmaAllocator tlsf = Create(Start + 6 * G, 5 * G);

        Assert.True(tlsf.TryAllocate(G, 8 * G, out ulong address));

        Assert.Equal(Start + 8 * G, address);
        Assert.False(tlsf.TryAllocate(G, 16 * G, out _));
    }

    [Fact]
    public void A_request_takes_an_exact_fit_from_its_own_class_before_a_larger_block()
    {
        // Free blocks of 101 granules (its class holds 100..101, so a search that rounds up skips it) and 500 granules,
        // separated by live chunks.
        using ICmaAllocator tlsf = Create(Start, 603 * G);
        ulong[] chunks = AllocateAll(tlsf, 101 * G, G, 500 * G, G);
        tlsf.Free(chunks[2], 500 * G);
        tlsf.Free(chunks[0], 101 * G);

        Assert.True(tlsf.TryAllocate(101 * G, G, out ulong address));

        Assert.Equal(chunks[0], address);
        Assert.Equal(new CmaAllocatorStats(500 * G, 500 * G, 1), tlsf.Stats);
    }

    [Theory]
    [InlineData(4, 1, 4)] // the own class's block starts aligned: it holds the chunk
    [InlineData(1, 1, 104)] // it does not; the next class's block [103, 206) holds it at 104
    [InlineData(1, 3, 212)] // neither ([105, 208) needs 3 granules of padding); the block that holds 101 + 4 − 1 does
    public void An_aligned_request_takes_its_own_class_head_then_the_next_class_head_then_a_block_that_holds_the_padding(
        ulong firstGap, ulong secondGap, ulong expected)
    {
        // Free blocks of 101 granules (the request's own class, 100..101), 103 (the next class, 102..103) and 120 (holds
        // 101 + 4 − 1, and is the smallest that does), after live chunks of the given sizes; then one live granule and
        // the rest of the region free. The request: 101 granules aligned to 4.
        using ICmaAllocator tlsf = Create(Start, 512 * G);
        ulong[] chunks = AllocateAll(tlsf, firstGap * G, 101 * G, secondGap * G, 103 * G, G, 120 * G, G);
        tlsf.Free(chunks[1], 101 * G);
        tlsf.Free(chunks[3], 103 * G);
        tlsf.Free(chunks[5], 120 * G);

        Assert.True(tlsf.TryAllocate(101 * G, 4 * G, out ulong address));

        Assert.Equal(Start + expected * G, address);
        tlsf.Free(address, 101 * G);
        Assert.Equal(new CmaAllocatorStats((510 - firstGap - secondGap) * G, (186 - firstGap - secondGap) * G, 4), tlsf.Stats);
    }

    [Fact]
    public void When_no_larger_class_has_a_block_the_requests_own_class_is_walked_and_the_largest_free_block_stays_exact()
    {
        // Blocks of 993 and 1000 granules share the class [992, 1008); the 993 one is its head (freed last). A request
        // of 1000 rounds up to the class above, which is empty, so the class itself is walked.
        using ICmaAllocator tlsf = Create(Start, 1994 * G);
        ulong[] chunks = AllocateAll(tlsf, 993 * G, G, 1000 * G);
        tlsf.Free(chunks[2], 1000 * G);
        tlsf.Free(chunks[0], 993 * G);
        Assert.Equal(new CmaAllocatorStats(1993 * G, 1000 * G, 2), tlsf.Stats);

        Assert.True(tlsf.TryAllocate(1000 * G, G, out ulong address));

        Assert.Equal(chunks[2], address);
        Assert.Equal(new CmaAllocatorStats(993 * G, 993 * G, 1), tlsf.Stats);
        Assert.False(tlsf.TryAllocate(994 * G, G, out _));
    }

    [Fact]
    public void Freeing_a_chunk_between_two_free_blocks_merges_all_three()
    {
        using ICmaAllocator tlsf = Create(Start, 10 * G);
        ulong[] chunks = AllocateAll(tlsf, 2 * G, 3 * G, 5 * G);
        tlsf.Free(chunks[0], 2 * G);
        tlsf.Free(chunks[2], 5 * G);
        Assert.Equal(new CmaAllocatorStats(7 * G, 5 * G, 2), tlsf.Stats);

        tlsf.Free(chunks[1], 3 * G);

        Assert.Equal(new CmaAllocatorStats(10 * G, 10 * G, 1), tlsf.Stats);
        Assert.True(tlsf.TryAllocate(10 * G, G, out ulong whole));
        Assert.Equal(Start, whole);
    }

    [Fact]
    public void Thousands_of_free_blocks_grow_the_pools_and_merge_back_into_one()
    {
        const int count = 20_000;
        using ICmaAllocator tlsf = Create(Start, count * G);
        ulong[] chunks = new ulong[count];
        for (int i = 0; i < count; i++)
            Assert.True(tlsf.TryAllocate(G, G, out chunks[i]));
        for (int i = 0; i < count; i += 2)
            tlsf.Free(chunks[i], G);
        Assert.Equal(new CmaAllocatorStats(count / 2 * G, G, count / 2), tlsf.Stats);

        var random = new Random(11);
        int[] order = [.. Enumerable.Range(0, count / 2).Select(i => 2 * i + 1)];
        random.Shuffle(order);
        foreach (int i in order)
            tlsf.Free(chunks[i], G);

        Assert.Equal(new CmaAllocatorStats(count * G, count * G, 1), tlsf.Stats);
    }

    /// <summary>A TLSF allocator for the region <c>[start, start + size)</c> with 4 KiB granules.</summary>
    internal static ICmaAllocator Create(ulong start, ulong size, int? secondLevelBits = null) =>
        Create(new CmaRegion("t", start, size, G), secondLevelBits);

    /// <summary>A TLSF allocator for <paramref name="region"/>, with <c>SecondLevelBits</c> when given.</summary>
    internal static ICmaAllocator Create(CmaRegion region, int? secondLevelBits = null) =>
        FirstPartyPlugins.Create("tlsf", region, secondLevelBits is { } bits
            ? new Dictionary<string, string?> { ["SecondLevelBits"] = bits.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : null);

    /// <summary>Allocates each size at granule alignment, asserting success; returns the addresses.</summary>
    internal static ulong[] AllocateAll(ICmaAllocator tlsf, params ulong[] sizes)
    {
        var addresses = new ulong[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
            Assert.True(tlsf.TryAllocate(sizes[i], G, out addresses[i]));
        return addresses;
    }
}
