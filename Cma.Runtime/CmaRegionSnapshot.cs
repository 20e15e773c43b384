using Cma.Runtime.Regions;

namespace Cma.Runtime;

/// <summary>One region's state as of its last operation, as <c>cma info</c> shows it: the region publishes it after every
/// operation, and reading it never waits for a plugin call in progress. The fields are of one moment.</summary>
public sealed record CmaRegionSnapshot
{
    /// <summary>The region's name.</summary>
    public required string Name { get; init; }

    /// <summary>Its first address.</summary>
    public required ulong Start { get; init; }

    /// <summary>Its size in bytes.</summary>
    public required ulong Size { get; init; }

    /// <summary>Its granule.</summary>
    public required ulong Granule { get; init; }

    /// <summary>The allocator name the configuration chose.</summary>
    public required string Allocator { get; init; }

    /// <summary>Active or fenced.</summary>
    public required RegionState State { get; init; }

    /// <summary>Why it is fenced, or null.</summary>
    public required string? FenceReason { get; init; }

    /// <summary>Live chunks.</summary>
    public required long Chunks { get; init; }

    /// <summary>Free bytes (rounding included), as of the last operation; 0 while fenced.</summary>
    public required ulong FreeBytes { get; init; }

    /// <summary>The largest block allocatable now, as of the last operation; 0 while fenced.</summary>
    public required ulong LargestFreeBlock { get; init; }

    /// <summary>Free extents as the allocator keeps them; 0 while fenced.</summary>
    public required ulong FreeBlocks { get; init; }

    /// <summary>Plugin faults seen.</summary>
    public required long Faults { get; init; }

    /// <summary>Frees that only left the registry because the region was fenced.</summary>
    public required long FreesWhileFenced { get; init; }

    /// <summary>What stands behind the region; for a backed region <see cref="Start"/> is the mapping's address.</summary>
    public CmaBacking Backing { get; init; } = CmaBacking.None;

    /// <summary>One past the region's last byte.</summary>
    public ulong End => Start + Size;
}
