using Xunit;

namespace Cma.Conformance.Xunit;

/// <summary>Stats: exact free bytes, a largest free block that can be placed.</summary>
public abstract partial class AllocatorConformanceTests
{
    /// <summary><see cref="ConformanceSuite.AFreshAllocatorReportsTheWholeRegionFree"/>.</summary>
    [Fact]
    public void A_fresh_allocator_reports_the_whole_region_free() => Run(ConformanceSuite.AFreshAllocatorReportsTheWholeRegionFree);

    /// <summary><see cref="ConformanceSuite.StatsAreExactAfterEveryOperation"/>.</summary>
    [Fact]
    public void Stats_are_exact_after_every_operation() => Run(ConformanceSuite.StatsAreExactAfterEveryOperation);

    /// <summary><see cref="ConformanceSuite.LargestFreeBlockIsTheLargestRequestThatSucceeds"/>.</summary>
    [Fact]
    public void Largest_free_block_is_the_largest_request_that_succeeds() => Run(ConformanceSuite.LargestFreeBlockIsTheLargestRequestThatSucceeds);
}
