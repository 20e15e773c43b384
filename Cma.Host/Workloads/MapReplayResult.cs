namespace Cma.Host.Workloads;

/// <summary>A workload replayed through the map: per device/type what was asked and got, per region what it held.</summary>
internal sealed class MapReplayResult
{
    /// <summary>Operations replayed.</summary>
    public long Operations { get; set; }

    /// <summary>Per device/type, in order of first appearance.</summary>
    public List<DeviceReplayRow> Devices { get; } = [];

    /// <summary>Per configured region: placements, peak live, fragmentation and time series (Requests/Failed unused).</summary>
    public List<ReplayResult> Regions { get; } = [];

    /// <summary>Frees skipped because that allocation had failed in this replay.</summary>
    public long FreesOfFailedSkipped { get; set; }

    /// <summary>Zero-size requests, replayed as one granule.</summary>
    public long ZeroSizeRequests { get; set; }

    /// <summary>What the reader skipped.</summary>
    public TraceCounters? Trace { get; set; }

    /// <summary>Wall-clock seconds.</summary>
    public double WallSeconds { get; set; }

    /// <summary>Seconds spent reading the trace.</summary>
    public double ParseSeconds { get; set; }

    /// <summary>Seconds spent in the service's allocate and free (plugins and the host's checks).</summary>
    public double ServiceSeconds { get; set; }

    /// <summary>Movable chunks, pins and unpins over the replay.</summary>
    public MovableReplayCounters Movable { get; } = new();

    /// <summary>Per configured region, its migration counters over the replay (same order as <see cref="Regions"/>).</summary>
    public List<RegionMigrationRow> Migration { get; } = [];

    /// <summary>Whether some configured region is reusable (the tables then show the migration columns).</summary>
    public bool AnyReusable => Migration.Exists(m => m.Reusable);

    /// <summary>Contiguous requests (<c>a</c>) only.</summary>
    public long ContiguousRequests { get; set; }

    /// <summary>Contiguous requests placed.</summary>
    public long ContiguousSatisfied { get; set; }

    /// <summary>Each contiguous allocation call's time (migrations included), when the replay was asked to time them.</summary>
    public LatencySummary? ContiguousLatency { get; set; }
}
