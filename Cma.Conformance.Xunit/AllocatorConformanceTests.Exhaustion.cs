using Xunit;

namespace Cma.Conformance.Xunit;

/// <summary>Full regions and impossible requests: false, never an exception; exact fill.</summary>
public abstract partial class AllocatorConformanceTests
{
    /// <summary><see cref="ConformanceSuite.AFullRegionReturnsFalseAndKeepsWorking"/>.</summary>
    [Fact]
    public void A_full_region_returns_false_and_keeps_working() => Run(ConformanceSuite.AFullRegionReturnsFalseAndKeepsWorking);

    /// <summary><see cref="ConformanceSuite.GranuleRequestsFillTheRegionExactly"/>.</summary>
    [Fact]
    public void Granule_requests_fill_the_region_exactly() => Run(ConformanceSuite.GranuleRequestsFillTheRegionExactly);

    /// <summary><see cref="ConformanceSuite.UnplaceableRequestsReturnFalse"/>.</summary>
    [Fact]
    public void Unplaceable_requests_return_false() => Run(ConformanceSuite.UnplaceableRequestsReturnFalse);
}
