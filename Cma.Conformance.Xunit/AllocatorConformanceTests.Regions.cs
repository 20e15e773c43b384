using Xunit;

namespace Cma.Conformance.Xunit;

/// <summary>Region shapes: odd sizes, the largest supported region, and one past it.</summary>
public abstract partial class AllocatorConformanceTests
{
    /// <summary><see cref="ConformanceSuite.ARegionOfOddSizeIsUsableToItsEnd"/>.</summary>
    [Fact]
    public void A_region_of_odd_size_is_usable_to_its_end() => Run(ConformanceSuite.ARegionOfOddSizeIsUsableToItsEnd);

    /// <summary><see cref="ConformanceSuite.TheLargestSupportedRegionWorks"/>.</summary>
    [Fact]
    public void The_largest_supported_region_works() => Run(ConformanceSuite.TheLargestSupportedRegionWorks);

    /// <summary><see cref="ConformanceSuite.ARegionPastTheMaximumSizeIsRefused"/>.</summary>
    [Fact]
    public void A_region_past_the_maximum_size_is_refused() => Run(ConformanceSuite.ARegionPastTheMaximumSizeIsRefused);
}
