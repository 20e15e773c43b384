namespace Cma.Host.Workloads;

/// <summary>How <c>cma compare</c> sets up its region and what it measures.</summary>
internal sealed class ComparisonSettings
{
    /// <summary>The region's first address (default 1 GiB, so address 0 is never a chunk).</summary>
    public ulong RegionStart { get; init; } = 1UL << 30;

    /// <summary>The region's size; null only with <see cref="FindMinimumSize"/> (then the search's sizes are used alone).</summary>
    public ulong? RegionSize { get; init; }

    /// <summary>The granule every request is rounded up to.</summary>
    public ulong Granule { get; init; } = 4096;

    /// <summary>Search for the smallest region on which the whole workload succeeds, per allocator.</summary>
    public bool FindMinimumSize { get; init; }

    /// <summary>The largest region that fits between <see cref="RegionStart"/> and 2^64, in whole granules.</summary>
    public ulong LargestRegionSize => (ulong.MaxValue - RegionStart) / Granule * Granule;

    /// <summary>Take occupancy maps (peak load, first failure) for the HTML report; costs a second replay.</summary>
    public bool Occupancy { get; init; }
}
