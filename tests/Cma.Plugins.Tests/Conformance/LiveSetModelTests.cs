using Cma.Conformance;

namespace Cma.Plugins.Tests.Conformance;

/// <summary>The kit's reference model judges results correctly: a model that accepted a bad range would make every
/// check built on it pass a broken allocator.</summary>
public sealed class LiveSetModelTests
{
    /// <summary>A 1 MiB region starting one granule past 1 GiB.</summary>
    private static readonly CmaRegion s_region = new("model", (1UL << 30) + 4096, 1UL << 20, 4096);

    [Theory]
    [InlineData(0x40002000UL, 0x1000UL, "a range starting inside")]
    [InlineData(0x40000000UL + 0x1000, 0x8000UL, "a range enclosing")]
    [InlineData(0x40004000UL, 0x2000UL, "a range ending inside")]
    [InlineData(0x40002000UL, 0x2000UL, "a range with the same start")]
    public void A_range_that_meets_a_live_allocation_is_rejected_however_it_meets_it(ulong address, ulong size, string how)
    {
        var model = new LiveSetModel(s_region, CmaAllocatorTraits.Exact(4096));
        model.Add(0x40002000, 0x3000);

        string? problem = model.Verify(address, size, 4096);

        Assert.True(problem is not null && problem.Contains("overlaps", StringComparison.Ordinal), $"{how} was accepted: {problem}");
    }

    [Fact]
    public void Ranges_that_only_touch_a_live_allocation_are_accepted()
    {
        var model = new LiveSetModel(s_region, CmaAllocatorTraits.Exact(4096));
        model.Add(0x40002000, 0x3000);

        Assert.Null(model.Verify(0x40001000, 0x1000, 4096));
        Assert.Null(model.Verify(0x40005000, 0x1000, 4096));
    }

    [Theory]
    [InlineData(0x40000000UL, 0x1000UL)]
    [InlineData(0x40100000UL, 0x2000UL)]
    [InlineData(0x40101000UL, 0x1000UL)]
    [InlineData(0xFFFFFFFFFFFFF000UL, 0x2000UL)]
    public void A_range_not_wholly_inside_the_region_is_rejected(ulong address, ulong size)
    {
        var model = new LiveSetModel(s_region, CmaAllocatorTraits.Exact(4096));

        string? problem = model.Verify(address, size, 4096);

        Assert.Contains("is not inside the region", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Alignment_is_judged_on_the_absolute_address_not_the_offset()
    {
        var model = new LiveSetModel(s_region, CmaAllocatorTraits.Exact(4096));

        string? offsetAligned = model.Verify(s_region.Start + 0x10000, 0x1000, 0x10000);
        string? addressAligned = model.Verify(0x40010000, 0x1000, 0x10000);

        Assert.Contains("not a multiple of the requested alignment", offsetAligned, StringComparison.Ordinal);
        Assert.Null(addressAligned);
    }

    [Fact]
    public void Expected_free_bytes_follow_the_declared_power_of_two_rounding()
    {
        var model = new LiveSetModel(s_region, new CmaAllocatorTraits(CmaRounding.PowerOfTwo, 4096, 1UL << 48, freeAllLeavesOneBlock: false));

        model.Add(0x40010000, 3 * 4096);
        model.Add(0x40020000, 5 * 4096);

        Assert.Equal(s_region.Size - (4 + 8) * 4096UL, model.ExpectedFreeBytes);
        model.Remove(0x40010000);
        Assert.Equal(s_region.Size - 8 * 4096UL, model.ExpectedFreeBytes);
    }

    [Fact]
    public void A_range_that_would_reserve_more_than_the_region_is_rejected()
    {
        var model = new LiveSetModel(s_region, new CmaAllocatorTraits(CmaRounding.PowerOfTwo, 4096, 1UL << 48, freeAllLeavesOneBlock: false));
        model.Add(0x40001000, 0x81000);

        string? problem = model.Verify(0x40090000, 0x1000, 4096);

        Assert.Contains("more than the region", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_largest_gap_is_the_longest_run_between_live_allocations_or_the_region_ends()
    {
        var model = new LiveSetModel(s_region, CmaAllocatorTraits.Exact(4096));
        model.Add(0x40010000, 0x1000);
        model.Add(0x400F0000, 0x1000);

        Assert.Equal(0x400F0000UL - 0x40011000UL, model.LargestGap());
    }
}
