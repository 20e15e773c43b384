namespace Cma.Conformance;

/// <summary>What part of the allocator contract a <see cref="ConformanceCheck"/> exercises.</summary>
public enum ConformanceConcern
{
    /// <summary>Placing requests: bounds, disjointness, determinism.</summary>
    Allocate = 0,

    /// <summary>Returning space: reuse after free, coalescing after every free.</summary>
    Free = 1,

    /// <summary>Alignment of the absolute address, including alignments larger than the request or the region.</summary>
    Alignment = 2,

    /// <summary>Full regions and requests that cannot be placed: <see langword="false"/>, never an exception.</summary>
    Exhaustion = 3,

    /// <summary><see cref="ICmaAllocator.Stats"/>: exact free bytes, a largest free block that can really be placed.</summary>
    Statistics = 4,

    /// <summary>Region shapes: sizes that are not powers of two, the largest supported region, and beyond it.</summary>
    Regions = 5,

    /// <summary>Random operation sequences checked against a reference model, shrunk to a minimal failing sequence.</summary>
    Randomized = 6,

    /// <summary>The optional <see cref="ICmaExactPlacement"/> capability (contract 1.1): exact reserves, refusals that
    /// change nothing, stats and coalescing. Checks of this concern pass as not applicable on an allocator without it.</summary>
    ExactPlacement = 7,
}
