namespace Cma.Plugins.Tests.Bitmap;

/// <summary>Where the bitmap allocator places requests: first, next and best fit, absolute alignment, rounding
/// to whole bits, and the zero runs the stats report.</summary>
public sealed class BitmapPlacementTests
{
    private const ulong K4 = 4096;
    private const ulong Base = 1UL << 30;

    [Theory]
    [InlineData("first", 0)]
    [InlineData("best", 6)]
    [InlineData("next", 9)]
    public void Each_fit_picks_its_own_zero_run_for_the_same_request(string fit, int expectedGranule)
    {
        // Holes: 5 granules at 0, 2 at 6, 55 at 9; the last allocation ended at granule 9.
        ICmaAllocator allocator = Create(64, fit);
        ulong five = Allocate(allocator, 5);
        Allocate(allocator, 1);
        ulong two = Allocate(allocator, 2);
        Allocate(allocator, 1);
        allocator.Free(five, 5 * K4);
        allocator.Free(two, 2 * K4);

        ulong address = Allocate(allocator, 2);

        Assert.Equal(Base + (ulong)expectedGranule * K4, address);
    }

    [Fact]
    public void Next_fit_wraps_around_once_to_the_region_start_when_nothing_fits_after_the_last_allocation()
    {
        ICmaAllocator allocator = Create(16, "next");
        ulong first = Allocate(allocator, 4);
        for (int i = 0; i < 3; i++)
            Allocate(allocator, 4);
        allocator.Free(first, 4 * K4);

        ulong address = Allocate(allocator, 4);

        Assert.Equal(Base, address);
    }

    [Fact]
    public void Best_fit_skips_a_shorter_run_where_the_aligned_request_does_not_fit()
    {
        // Holes: granules [1, 3) (2 long, but an 8K-aligned 8K request would need [2, 4)), [4, 7) (3 long), [8, 64).
        ICmaAllocator allocator = Create(64, "best");
        Allocate(allocator, 1);
        ulong two = Allocate(allocator, 2);
        Allocate(allocator, 1);
        ulong three = Allocate(allocator, 3);
        Allocate(allocator, 1);
        allocator.Free(two, 2 * K4);
        allocator.Free(three, 3 * K4);

        Assert.True(allocator.TryAllocate(2 * K4, 2 * K4, out ulong address));

        Assert.Equal(Base + 4 * K4, address);
    }

    [Theory]
    [InlineData("first")]
    [InlineData("next")]
    [InlineData("best")]
    public void Alignment_is_of_the_absolute_address_when_the_region_start_is_not_aligned(string fit)
    {
        ulong start = Base + K4;
        ICmaAllocator allocator = FirstPartyPlugins.Create("bitmap", new CmaRegion("r", start, 64 * K4, K4), Settings(fit));

        Assert.True(allocator.TryAllocate(K4, 64 * 1024, out ulong address));

        Assert.Equal(Base + 64 * 1024, address);
    }

    [Fact]
    public void An_alignment_no_address_in_the_region_meets_fails_without_an_exception()
    {
        ICmaAllocator allocator = FirstPartyPlugins.Create("bitmap", new CmaRegion("r", Base + K4, 16 * K4, K4));

        bool placed = allocator.TryAllocate(K4, 1UL << 30, out ulong address);

        Assert.False(placed);
        Assert.Equal(0UL, address);
        Assert.Equal(16 * K4, allocator.Stats.FreeBytes);
    }

    [Fact]
    public void A_request_is_rounded_up_to_whole_bits_and_the_stats_count_the_rounding()
    {
        var settings = new Dictionary<string, string?> { ["OrderPerBit"] = "2" };
        ICmaAllocator allocator = FirstPartyPlugins.Create("bitmap", new CmaRegion("r", Base, 1UL << 20, K4), settings);

        ulong first = Allocate(allocator, 1);
        ulong second = Allocate(allocator, 5);

        Assert.Equal(16 * 1024UL, allocator.Traits.Unit);
        Assert.Equal(first + 16 * 1024, second);
        Assert.Equal((1UL << 20) - 16 * 1024 - 32 * 1024, allocator.Stats.FreeBytes);
    }

    [Fact]
    public void Free_block_count_is_the_number_of_maximal_zero_runs()
    {
        ICmaAllocator allocator = Create(8, "first");
        ulong[] chunks = [Allocate(allocator, 1), Allocate(allocator, 1), Allocate(allocator, 1), Allocate(allocator, 1)];
        var counts = new List<ulong> { allocator.Stats.FreeBlockCount };

        foreach (int i in new[] { 1, 3, 2, 0 })
        {
            allocator.Free(chunks[i], K4);
            counts.Add(allocator.Stats.FreeBlockCount);
        }

        Assert.Equal([1UL, 2UL, 2UL, 1UL, 1UL], counts);
    }

    [Fact]
    public void The_largest_free_block_is_a_run_that_spans_several_summary_blocks()
    {
        // 4096 granules = four 1024-bit summary blocks; the freed run [1000, 3000) crosses two block boundaries.
        ICmaAllocator allocator = Create(4096, "first");
        Allocate(allocator, 1000);
        ulong middle = Allocate(allocator, 2000);
        Allocate(allocator, 96);
        allocator.Free(middle, 2000 * K4);

        Assert.Equal(2000 * K4, allocator.Stats.LargestFreeBlock);
        Assert.False(allocator.TryAllocate(2001 * K4, K4, out _));
        Assert.Equal(middle, Allocate(allocator, 2000));
    }

    [Fact]
    public void A_region_of_two_to_the_24_bits_finds_its_last_free_bit()
    {
        const ulong bits = 1UL << 24;
        ICmaAllocator allocator = Create(bits, "first");
        for (int i = 0; i < 15; i++)
            Allocate(allocator, 1UL << 20);
        Allocate(allocator, (1UL << 20) - 1);

        ulong last = Allocate(allocator, 1);

        Assert.Equal(Base + (bits - 1) * K4, last);
        Assert.Equal(0UL, allocator.Stats.FreeBlockCount);
        Assert.Equal(0UL, allocator.Stats.LargestFreeBlock);
    }

    [Fact]
    public void Freeing_a_chunk_twice_fails_loudly_and_changes_nothing()
    {
        ICmaAllocator allocator = Create(16, "first");
        ulong chunk = Allocate(allocator, 2);
        Allocate(allocator, 1);
        allocator.Free(chunk, 2 * K4);
        CmaAllocatorStats before = allocator.Stats;

        Assert.Throws<InvalidOperationException>(() => allocator.Free(chunk, 2 * K4));

        Assert.Equal(before, allocator.Stats);
    }

    [Theory]
    [InlineData("first")]
    [InlineData("next")]
    [InlineData("best")]
    public void Thousands_of_seeded_operations_pass_the_full_invariant_check_and_free_back_to_one_block(string fit)
    {
        // 3,000+ mutations run the Debug build's full invariant check (every 1,024 mutations) several times.
        ICmaAllocator allocator = Create(3000, fit);
        var random = new Random(20101119);
        var live = new List<(ulong Address, ulong Size)>();
        for (int op = 0; op < 4000; op++)
        {
            if (live.Count > 0 && random.Next(2) == 0)
            {
                int i = random.Next(live.Count);
                allocator.Free(live[i].Address, live[i].Size);
                live.RemoveAt(i);
            }
            else
            {
                ulong size = K4 * (ulong)random.Next(1, 80);
                if (allocator.TryAllocate(size, K4 << random.Next(4), out ulong address))
                    live.Add((address, size));
            }
        }
        foreach ((ulong address, ulong size) in live)
            allocator.Free(address, size);

        Assert.Equal(new CmaAllocatorStats(3000 * K4, 3000 * K4, 1), allocator.Stats);
    }

    private static ICmaAllocator Create(ulong granules, string fit) =>
        FirstPartyPlugins.Create("bitmap", new CmaRegion("r", Base, granules * K4, K4), Settings(fit));

    private static Dictionary<string, string?> Settings(string fit) => new() { ["Fit"] = fit };

    private static ulong Allocate(ICmaAllocator allocator, ulong granules)
    {
        Assert.True(allocator.TryAllocate(granules * K4, K4, out ulong address), $"{granules} granules did not fit");
        return address;
    }
}
