using Xunit;

namespace Cma.Conformance.Xunit;

/// <summary>Placement: bounds, disjointness, determinism.</summary>
public abstract partial class AllocatorConformanceTests
{
    /// <summary><see cref="ConformanceSuite.AllocationsLieInsideTheRegionAndNeverOverlap"/>.</summary>
    [Fact]
    public void Allocations_lie_inside_the_region_and_never_overlap() => Run(ConformanceSuite.AllocationsLieInsideTheRegionAndNeverOverlap);

    /// <summary><see cref="ConformanceSuite.TheSameSequenceGivesTheSameAddresses"/>.</summary>
    [Fact]
    public void The_same_sequence_gives_the_same_addresses() => Run(ConformanceSuite.TheSameSequenceGivesTheSameAddresses);
}
