namespace Cma.Conformance;

/// <summary>Every check of the conformance kit. The xunit suite (<c>AllocatorConformanceTests</c>) has one test
/// method per check, named after <see cref="ConformanceCheck.Name"/>.</summary>
public static class ConformanceSuite
{
    /// <summary>Mixed sizes on a region of odd size and unaligned start, then every other freed and refilled at mixed
    /// alignments: every range inside the region, aligned, disjoint from every live range.</summary>
    public static ConformanceCheck AllocationsLieInsideTheRegionAndNeverOverlap { get; } = new(
        "Allocations_lie_inside_the_region_and_never_overlap", ConformanceConcern.Allocate,
        "every returned range lies inside the region, is aligned, and overlaps no live range", AllocateChecks.InsideAndDisjoint);

    /// <summary>The same sequence on two fresh allocators of the same region gives the same addresses.</summary>
    public static ConformanceCheck TheSameSequenceGivesTheSameAddresses { get; } = new(
        "The_same_sequence_gives_the_same_addresses", ConformanceConcern.Allocate,
        "two allocators given the same 3,000 operations return the same addresses", AllocateChecks.Deterministic);

    /// <summary>Freed space is placed again, without overlapping what is still live.</summary>
    public static ConformanceCheck FreedSpaceIsReusedWithoutOverlap { get; } = new(
        "Freed_space_is_reused_without_overlap", ConformanceConcern.Free,
        "freed chunks are placed again, and never over a chunk still live", FreeChecks.ReuseAfterFree);

    /// <summary>After every allocation is freed the stats are the fresh allocator's: one block of the region size where
    /// the traits say so.</summary>
    public static ConformanceCheck FreeingEverythingRestoresTheInitialFreeSpace { get; } = new(
        "Freeing_everything_restores_the_initial_free_space", ConformanceConcern.Free,
        "after all frees the free space coalesces back to the fresh allocator's (one block where Traits say so)", FreeChecks.FreeAllRestoresTheRegion);

    /// <summary>Every alignment from the granule to 256 granules, on a region whose start is aligned to none of them.</summary>
    public static ConformanceCheck AddressesAreAlignedToTheRequest { get; } = new(
        "Addresses_are_aligned_to_the_request", ConformanceConcern.Alignment,
        "alignments from the granule to 256 granules are honoured on an unaligned region", AlignmentChecks.AlignedToTheRequest);

    /// <summary>An alignment larger than the request (one granule at 64 granules).</summary>
    public static ConformanceCheck AlignmentLargerThanTheSizeIsHonoured { get; } = new(
        "Alignment_larger_than_the_size_is_honoured", ConformanceConcern.Alignment,
        "a granule at 64-granule alignment, 16 granules at 256-granule alignment", AlignmentChecks.AlignmentLargerThanTheSize);

    /// <summary>An alignment equal to the region size, on a region aligned to it and on one a granule past it.</summary>
    public static ConformanceCheck AlignmentEqualToTheRegionSizeIsHonoured { get; } = new(
        "Alignment_equal_to_the_region_size_is_honoured", ConformanceConcern.Alignment,
        "the whole region at its own alignment; the last granule as the only aligned address", AlignmentChecks.AlignmentEqualToTheRegionSize);

    /// <summary>Alignment is of the absolute address, not of the offset in the region.</summary>
    public static ConformanceCheck AlignmentIsOfTheAbsoluteAddress { get; } = new(
        "Alignment_is_of_the_absolute_address", ConformanceConcern.Alignment,
        "large alignments on a region that starts one granule past 1 GiB", AlignmentChecks.AlignmentOfTheAbsoluteAddress);

    /// <summary>A full region returns false (never throws) and works again after a free.</summary>
    public static ConformanceCheck AFullRegionReturnsFalseAndKeepsWorking { get; } = new(
        "A_full_region_returns_false_and_keeps_working", ConformanceConcern.Exhaustion,
        "requests on a full region return false, never throw, and succeed again after a free", ExhaustionChecks.FullRegionReturnsFalse);

    /// <summary>Granule requests fill a region exactly: region size ÷ what one reserves.</summary>
    public static ConformanceCheck GranuleRequestsFillTheRegionExactly { get; } = new(
        "Granule_requests_fill_the_region_exactly", ConformanceConcern.Exhaustion,
        "a 1000-granule region takes exactly its size over ReservedBytes(granule) granule requests", ExhaustionChecks.GranuleRequestsFillTheRegionExactly);

    /// <summary>Requests no range of the region can hold return false and change nothing.</summary>
    public static ConformanceCheck UnplaceableRequestsReturnFalse { get; } = new(
        "Unplaceable_requests_return_false", ConformanceConcern.Exhaustion,
        "too large, near 2^64, or aligned beyond the region: false, and the allocator keeps working", ExhaustionChecks.UnplaceableRequestsReturnFalse);

    /// <summary>A fresh allocator reports the whole region free.</summary>
    public static ConformanceCheck AFreshAllocatorReportsTheWholeRegionFree { get; } = new(
        "A_fresh_allocator_reports_the_whole_region_free", ConformanceConcern.Statistics,
        "FreeBytes is the region size; one block where Traits say so; the largest free block can be placed", StatisticsChecks.FreshAllocatorReportsTheWholeRegionFree);

    /// <summary>Stats are exact after every operation of a mixed sequence.</summary>
    public static ConformanceCheck StatsAreExactAfterEveryOperation { get; } = new(
        "Stats_are_exact_after_every_operation", ConformanceConcern.Statistics,
        "FreeBytes equals the region size minus what the live set reserves per Traits, after each of 4,000 operations", StatisticsChecks.StatsAreExactAfterEveryOperation);

    /// <summary>The largest free block is the largest request that succeeds.</summary>
    public static ConformanceCheck LargestFreeBlockIsTheLargestRequestThatSucceeds { get; } = new(
        "Largest_free_block_is_the_largest_request_that_succeeds", ConformanceConcern.Statistics,
        "a request of LargestFreeBlock succeeds and one granule more fails, on a fragmented region", StatisticsChecks.LargestFreeBlockIsTheLargestRequestThatSucceeds);

    /// <summary>A region whose size is not a power of two, with an unaligned start, is usable to its last granule.</summary>
    public static ConformanceCheck ARegionOfOddSizeIsUsableToItsEnd { get; } = new(
        "A_region_of_odd_size_is_usable_to_its_end", ConformanceConcern.Regions,
        "1283 granules starting 3 granules past 1 GiB fill exactly, first and last granule included", RegionChecks.OddRegionIsUsableToItsEnd);

    /// <summary>The largest supported region (2^48 bytes, or Traits.MaxRegionSize if smaller) works.</summary>
    public static ConformanceCheck TheLargestSupportedRegionWorks { get; } = new(
        "The_largest_supported_region_works", ConformanceConcern.Regions,
        "a region of 2^48 bytes (or Traits.MaxRegionSize) places far from its start, a quarter of itself aligned, and frees back", RegionChecks.LargestSupportedRegionWorks);

    /// <summary>A region past Traits.MaxRegionSize is refused with a CmaSettingsException.</summary>
    public static ConformanceCheck ARegionPastTheMaximumSizeIsRefused { get; } = new(
        "A_region_past_the_maximum_size_is_refused", ConformanceConcern.Regions,
        "Create throws CmaSettingsException with a message for a region one granule past Traits.MaxRegionSize", RegionChecks.RegionBeyondTheMaximumIsRefused);

    /// <summary>Random allocate/free sequences checked against the reference model, shrunk on failure.</summary>
    public static ConformanceCheck RandomSequencesMatchTheReferenceModel { get; } = new(
        "Random_sequences_match_the_reference_model", ConformanceConcern.Randomized,
        "ConformanceOptions.Ops random operations (CsCheck, seeded) against the interval model, shrunk on failure", RandomizedChecks.RandomSequencesMatchTheModel);

    /// <summary>Exact placement: reserved ranges are never overlapped by later allocations.</summary>
    public static ConformanceCheck ReservedRangesAreNeverOverlapped { get; } = new(
        "Reserved_ranges_are_never_overlapped", ConformanceConcern.ExactPlacement,
        "TryReserve of 1- to 8-unit ranges on an empty region, then mixed allocations: none overlaps a reserve; all freed, the fresh stats", ExactPlacementChecks.ReserveThenAllocateNeverOverlaps)
    { RequiresExactPlacement = true };

    /// <summary>Exact placement: reserving an occupied range fails and changes nothing.</summary>
    public static ConformanceCheck ReservingAnOccupiedRangeFailsAndChangesNothing { get; } = new(
        "Reserving_an_occupied_range_fails_and_changes_nothing", ConformanceConcern.ExactPlacement,
        "reserves over allocations and earlier reserves (same, head, tail, around, inside, whole region) fail; stats and later placements unchanged", ExactPlacementChecks.ReservingAnOccupiedRangeFailsAndChangesNothing)
    { RequiresExactPlacement = true };

    /// <summary>Exact placement at the region's edges, with exact stats.</summary>
    public static ConformanceCheck ReservesAtTheRegionEdgesAreExact { get; } = new(
        "Reserves_at_the_region_edges_are_exact", ConformanceConcern.ExactPlacement,
        "the first and last unit reserve exactly ReservedBytes, ranges over them fail, the rest fills to 0 free bytes; the whole fresh region", ExactPlacementChecks.ReservesAtTheRegionEdgesAreExact)
    { RequiresExactPlacement = true };

    /// <summary>Exact placement: freeing reserved ranges coalesces back to the fresh allocator.</summary>
    public static ConformanceCheck FreeingReservedRangesCoalesces { get; } = new(
        "Freeing_reserved_ranges_coalesces", ConformanceConcern.ExactPlacement,
        "a region tiled with reserves, freed in a shuffled order, is the fresh region again (one block where Traits say so)", ExactPlacementChecks.FreeingReservedRangesCoalesces)
    { RequiresExactPlacement = true };

    /// <summary>Exact placement: a seeded random mix of allocations, frees and reserves against the footprint model.</summary>
    public static ConformanceCheck RandomReservesMatchTheFootprintModel { get; } = new(
        "Random_reserves_match_the_footprint_model", ConformanceConcern.ExactPlacement,
        "Ops/4 (at most 25,000) seeded allocate/free/reserve operations: a reserve succeeds only on free space (and always there, where reserves are exact)", ExactPlacementChecks.RandomReservesMatchTheFootprintModel)
    { RequiresExactPlacement = true };

    /// <summary>Every check, grouped by concern.</summary>
    public static IReadOnlyList<ConformanceCheck> All { get; } =
    [
        AllocationsLieInsideTheRegionAndNeverOverlap, TheSameSequenceGivesTheSameAddresses,
        FreedSpaceIsReusedWithoutOverlap, FreeingEverythingRestoresTheInitialFreeSpace,
        AddressesAreAlignedToTheRequest, AlignmentLargerThanTheSizeIsHonoured, AlignmentEqualToTheRegionSizeIsHonoured, AlignmentIsOfTheAbsoluteAddress,
        AFullRegionReturnsFalseAndKeepsWorking, GranuleRequestsFillTheRegionExactly, UnplaceableRequestsReturnFalse,
        AFreshAllocatorReportsTheWholeRegionFree, StatsAreExactAfterEveryOperation, LargestFreeBlockIsTheLargestRequestThatSucceeds,
        ARegionOfOddSizeIsUsableToItsEnd, TheLargestSupportedRegionWorks, ARegionPastTheMaximumSizeIsRefused,
        RandomSequencesMatchTheReferenceModel,
        ReservedRangesAreNeverOverlapped, ReservingAnOccupiedRangeFailsAndChangesNothing, ReservesAtTheRegionEdgesAreExact,
        FreeingReservedRangesCoalesces, RandomReservesMatchTheFootprintModel,
    ];

    /// <summary>The check named <paramref name="name"/> (case-insensitive), or null.</summary>
    /// <param name="name">A <see cref="ConformanceCheck.Name"/>.</param>
    /// <returns>The check, or null when no check has that name.</returns>
    public static ConformanceCheck? Find(string name)
    {
        foreach (ConformanceCheck check in All)
        {
            if (string.Equals(check.Name, name, StringComparison.OrdinalIgnoreCase))
                return check;
        }
        return null;
    }
}
