using Xunit;

namespace Cma.Conformance.Xunit;

/// <summary>Exact placement (<see cref="ICmaExactPlacement"/>, contract 1.1): these pass without running on an
/// allocator that does not implement it.</summary>
public abstract partial class AllocatorConformanceTests
{
    /// <summary><see cref="ConformanceSuite.ReservedRangesAreNeverOverlapped"/>.</summary>
    [Fact]
    public void Reserved_ranges_are_never_overlapped() => Run(ConformanceSuite.ReservedRangesAreNeverOverlapped);

    /// <summary><see cref="ConformanceSuite.ReservingAnOccupiedRangeFailsAndChangesNothing"/>.</summary>
    [Fact]
    public void Reserving_an_occupied_range_fails_and_changes_nothing() => Run(ConformanceSuite.ReservingAnOccupiedRangeFailsAndChangesNothing);

    /// <summary><see cref="ConformanceSuite.ReservesAtTheRegionEdgesAreExact"/>.</summary>
    [Fact]
    public void Reserves_at_the_region_edges_are_exact() => Run(ConformanceSuite.ReservesAtTheRegionEdgesAreExact);

    /// <summary><see cref="ConformanceSuite.FreeingReservedRangesCoalesces"/>.</summary>
    [Fact]
    public void Freeing_reserved_ranges_coalesces() => Run(ConformanceSuite.FreeingReservedRangesCoalesces);

    /// <summary><see cref="ConformanceSuite.RandomReservesMatchTheFootprintModel"/>.</summary>
    [Fact]
    public void Random_reserves_match_the_footprint_model() => Run(ConformanceSuite.RandomReservesMatchTheFootprintModel);
}
