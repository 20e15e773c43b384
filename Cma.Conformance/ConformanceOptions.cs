namespace Cma.Conformance;

/// <summary>How the kit runs: how many random operations, from which seed, on which granule.</summary>
public sealed record ConformanceOptions
{
    /// <summary>Random operations per allocator in CI: 100,000.</summary>
    public const int DefaultOps = 100_000;

    /// <summary>The seed the randomized checks start from when <see cref="Seed"/> is null, so that a run is
    /// reproducible without one.</summary>
    public const string DefaultSeed = "0N0XIzNsQ0O2";

    /// <summary>The options CI uses: <see cref="DefaultOps"/>, <see cref="DefaultSeed"/>, 4 KiB granule.</summary>
    public static ConformanceOptions Default { get; } = new();

    /// <summary>How many random allocate/free operations the randomized checks run in total (at least 1).</summary>
    public int Ops { get; init; } = DefaultOps;

    /// <summary>The seed string of the randomized checks, as a failure printed it; null for <see cref="DefaultSeed"/>.</summary>
    public string? Seed { get; init; }

    /// <summary>The granule of every region the checks create; a power of two, at most 64 KiB.</summary>
    public ulong Granule { get; init; } = 4096;

    /// <summary>What the checks expect where allocators legitimately differ.</summary>
    public ConformanceCapabilities Capabilities { get; init; } = ConformanceCapabilities.FromTraits;

    /// <summary>The names of the checks to run (<see cref="ConformanceCheck.Name"/>, case-insensitive); null or
    /// empty for all of them.</summary>
    public IReadOnlyCollection<string>? Checks { get; init; }
}
