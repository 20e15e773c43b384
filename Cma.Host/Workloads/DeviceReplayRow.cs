namespace Cma.Host.Workloads;

/// <summary>What one device/type asked of the map during a replay and what it got.</summary>
internal sealed class DeviceReplayRow(string device, string? type)
{
    /// <summary>The device.</summary>
    public string Device => device;

    /// <summary>Its type, or null for the default (<c>common</c>).</summary>
    public string? Type => type;

    /// <summary>Allocation requests.</summary>
    public long Requests { get; set; }

    /// <summary>Requests placed.</summary>
    public long Satisfied { get; set; }

    /// <summary>Failed with every candidate region full.</summary>
    public long NoSpace { get; set; }

    /// <summary>Failed because no map rule matches.</summary>
    public long NoMatchingRule { get; set; }

    /// <summary>Failed because every candidate region is fenced.</summary>
    public long AllRegionsFenced { get; set; }

    /// <summary>Of <see cref="Requests"/>, movable and discardable ones (<c>m</c>, <c>d</c>).</summary>
    public long Movable { get; set; }

    /// <summary>Contiguous requests that failed because pinned movable chunks stood in the way (<see cref="CmaOutcome.Pinned"/>).</summary>
    public long Pinned { get; set; }

    /// <summary>Contiguous requests that failed because the movable chunks in the way had nowhere to go.</summary>
    public long NoRoomToMigrate { get; set; }

    /// <summary>Contiguous requests that failed because the application's mover threw.</summary>
    public long MoverFailed { get; set; }

    /// <summary>Failed requests, whatever the reason.</summary>
    public long Failed => NoSpace + NoMatchingRule + AllRegionsFenced + Pinned + NoRoomToMigrate + MoverFailed;

    /// <summary>Bytes placed in total.</summary>
    public ulong BytesPlaced { get; set; }

    /// <summary>The first failure: operation number and trace line, or 0.</summary>
    public long FirstFailureOp { get; set; }

    /// <summary>The trace line of the first failure, or 0.</summary>
    public long FirstFailureLine { get; set; }

    /// <summary>Per region name, the requests it placed (fallback order shows here).</summary>
    public Dictionary<string, long> PlacedIn { get; } = new(StringComparer.Ordinal);
}
