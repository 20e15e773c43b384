namespace Cma.Host.Workloads;

/// <summary>The three ways <c>cma compare --layouts</c> lays out memory for a trace with movable chunks.</summary>
internal enum MemoryLayout
{
    /// <summary>One reusable region taking both kinds: movable chunks borrow its free space and migrate out of the way.</summary>
    Reusable,

    /// <summary>The region for contiguous chunks only; movable chunks in a separate ordinary region.</summary>
    CarveOut,

    /// <summary>One ordinary region taking both kinds: movable chunks placed by the plugin like contiguous ones, never moved.</summary>
    SharedWithoutMigration,
}

/// <summary>One layout's replay: what the contiguous requests got, what memory it took and what migration cost.</summary>
internal sealed class LayoutResult
{
    /// <summary>The layout.</summary>
    public required MemoryLayout Layout { get; init; }

    /// <summary>Its name as shown: <c>reusable</c>, <c>carve-out</c>, <c>shared without migration</c>.</summary>
    public string Name => Layout switch
    {
        MemoryLayout.Reusable => "reusable",
        MemoryLayout.CarveOut => "carve-out",
        _ => "shared without migration",
    };

    /// <summary>The contiguous (or shared) region's size.</summary>
    public required ulong RegionSize { get; init; }

    /// <summary>Carve-out only: the size the separate movable region was given (large enough; address space only).</summary>
    public ulong? MovableRegionSize { get; init; }

    /// <summary>Carve-out only: what the movable chunks needed there — the peak of live movable bytes (as placed:
    /// rounded to the granule).</summary>
    public ulong? MovableNeed { get; set; }

    /// <summary>Carve-out only: the highest end address the movable chunks reached there, from the region's start.</summary>
    public ulong? MovableFootprint { get; set; }

    /// <summary>Memory the layout needs: the region, plus the movable chunks' need for a carve-out.</summary>
    public ulong MemoryNeeded => RegionSize + (MovableNeed ?? 0);

    /// <summary>Contiguous requests (<c>a</c>).</summary>
    public long ContiguousRequests { get; set; }

    /// <summary>Contiguous requests placed.</summary>
    public long ContiguousSatisfied { get; set; }

    /// <summary>Contiguous requests placed, as a fraction of them (1 when there were none).</summary>
    public double ContiguousSatisfiedFraction => ContiguousRequests == 0 ? 1 : (double)ContiguousSatisfied / ContiguousRequests;

    /// <summary>Movable requests (<c>m</c>, <c>d</c>).</summary>
    public long MovableRequests { get; set; }

    /// <summary>Movable requests placed.</summary>
    public long MovableSatisfied { get; set; }

    /// <summary>Moves of movable chunks (all regions).</summary>
    public long Migrations { get; set; }

    /// <summary>Bytes those moves carried.</summary>
    public ulong MigratedBytes { get; set; }

    /// <summary>Discardable chunks dropped to make room.</summary>
    public long DiscardedChunks { get; set; }

    /// <summary>Contiguous requests that failed because pinned chunks stood in the way.</summary>
    public long BlockedByPins { get; set; }

    /// <summary>Contiguous requests that failed because the movable chunks in the way had nowhere to go.</summary>
    public long BlockedNoRoom { get; set; }

    /// <summary>Migrations per contiguous allocation request.</summary>
    public double MigrationsPerContiguous => ContiguousRequests == 0 ? 0 : (double)Migrations / ContiguousRequests;

    /// <summary>Each contiguous allocation call's time, host API to return, migrations included (timer cost taken off).</summary>
    public LatencySummary? ContiguousLatency { get; set; }

    /// <summary>Wall-clock seconds of the replay.</summary>
    public double WallSeconds { get; set; }

    /// <summary>A plugin fault that fenced a region during the replay, or null.</summary>
    public string? Fault { get; set; }
}
