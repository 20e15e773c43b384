using System.Text.Json.Serialization;
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

    /// <summary>Whether the region lends its free space to movable chunks (<c>Reusable: true</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Reusable { get; init; }

    /// <summary>Live movable chunks (included in <see cref="Chunks"/>; discarded ones are not live).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long MovableChunks { get; init; }

    /// <summary>Bytes the live movable chunks occupy (as placed: rounded to the granule, guard bytes included). In a
    /// reusable region these bytes are borrowed from the free space the plugin reports.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong MovableBytes { get; init; }

    /// <summary>Live contiguous chunks: <see cref="Chunks"/> minus <see cref="MovableChunks"/>.</summary>
    [JsonIgnore]
    public long ContiguousChunks => Chunks - MovableChunks;

    /// <summary>Movable chunks with at least one pin.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long PinnedChunks { get; init; }

    /// <summary>Moves of movable chunks out of (or within) this region so far: migrations, compaction, long-term pins.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Migrations { get; init; }

    /// <summary>Bytes those moves carried.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong MigratedBytes { get; init; }

    /// <summary>Discardable chunks dropped to make room so far.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long DiscardedChunks { get; init; }

    /// <summary>Contiguous requests that failed here because pinned movable chunks stood in every range tried.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long BlockedByPins { get; init; }

    /// <summary>Contiguous requests that failed here because the movable chunks in the way had nowhere to go.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long BlockedNoRoom { get; init; }

    /// <summary>Contiguous requests that failed here because the application's mover threw.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long MoverFailures { get; init; }
}
