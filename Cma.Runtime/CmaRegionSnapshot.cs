using Cma.Runtime.Regions;

namespace Cma.Runtime;

/// <summary>One region's state as of its last operation, as <c>cma info</c> shows it: the region publishes it after every
/// operation, and reading it never waits for a plugin call in progress. The fields are of one moment.</summary>
/// <param name="Name">The region's name.</param>
/// <param name="Start">Its first address.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Granule">Its granule.</param>
/// <param name="Allocator">The allocator name the configuration chose.</param>
/// <param name="State">Active or fenced.</param>
/// <param name="FenceReason">Why it is fenced, or null.</param>
/// <param name="Chunks">Live chunks.</param>
/// <param name="FreeBytes">Free bytes (rounding included), as of the last operation; 0 while fenced.</param>
/// <param name="LargestFreeBlock">The largest block allocatable now, as of the last operation; 0 while fenced.</param>
/// <param name="FreeBlocks">Free extents as the allocator keeps them; 0 while fenced.</param>
/// <param name="Faults">Plugin faults seen.</param>
/// <param name="FreesWhileFenced">Frees that only left the registry because the region was fenced.</param>
/// <param name="Backing">What stands behind the region; for a backed region <paramref name="Start"/> is the mapping's address.</param>
public sealed record CmaRegionSnapshot(
    string Name, ulong Start, ulong Size, ulong Granule, string Allocator, RegionState State, string? FenceReason,
    long Chunks, ulong FreeBytes, ulong LargestFreeBlock, ulong FreeBlocks, long Faults, long FreesWhileFenced,
    CmaBacking Backing = CmaBacking.None)
{
    /// <summary>One past the region's last byte.</summary>
    public ulong End => Start + Size;
}
