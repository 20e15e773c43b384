using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cma.Runtime.Regions;

namespace Cma.Runtime;

/// <summary>
/// The <c>Cma</c> meter: allocations and frees tagged with region, allocator and outcome, rejected arguments,
/// plugin faults, an allocation latency histogram (timed only while someone listens, so the hot path pays
/// nothing otherwise), and per-region observable gauges read from the snapshot each region publishes after every
/// operation — the metrics thread never calls into a plugin nor waits for a region's lock.
/// </summary>
internal sealed class CmaMetrics : IDisposable
{
    /// <summary>The meter's name, for <c>dotnet-counters monitor --counters Cma</c>.</summary>
    public const string MeterName = "Cma";

    /// <summary>The meter (owned by the factory that created it, or by this object).</summary>
    private readonly Meter _meter;

    /// <summary>Whether this object created (and so disposes) the meter.</summary>
    private readonly bool _ownsMeter;

    private readonly Counter<long> _allocations;
    private readonly Counter<long> _frees;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _faults;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _guardOverruns;
    private readonly Counter<long> _movableAllocations;
    private readonly Counter<long> _swaps;
    private readonly Counter<long> _hotReloads;
    private readonly Counter<long> _reloads;

    public CmaMetrics(IMeterFactory? factory)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _ownsMeter = factory is null;
        _allocations = _meter.CreateCounter<long>("cma.allocations", "{allocation}", "Allocation requests by region, allocator and outcome.");
        _frees = _meter.CreateCounter<long>("cma.frees", "{free}", "Frees by region, allocator and outcome.");
        _rejected = _meter.CreateCounter<long>("cma.rejected_arguments", "{call}", "API calls rejected with an ArgumentException.");
        _faults = _meter.CreateCounter<long>("cma.plugin_faults", "{fault}", "Plugin contract violations; each fences its region.");
        _guardOverruns = _meter.CreateCounter<long>("cma.guard_overruns", "{chunk}", "Chunks freed with changed guard bytes (something wrote past their end).");
        _latency = _meter.CreateHistogram<double>("cma.allocation.duration", "us",
            "Time to serve a successful contiguous allocation, map lookup to verified result; tag migrated=true when movable chunks were moved or dropped for it.");
        _swaps = _meter.CreateCounter<long>("cma.allocator_swaps", "{swap}", "Live allocator swaps by region and outcome (ok, refused).");
        _hotReloads = _meter.CreateCounter<long>("cma.plugin_hot_reloads", "{reload}", "Plugin hot reloads by plugin file and outcome (ok, partial, failed).");
        _reloads = _meter.CreateCounter<long>("cma.config_reloads", "{reload}", "Configuration reloads by outcome (applied, unchanged, invalid, refused).");
        _movableAllocations = _meter.CreateCounter<long>("cma.movable_allocations", "{allocation}", "Movable allocation requests by region, outcome and kind (movable, discardable).");
    }

    /// <summary>A timestamp when the latency histogram has a listener, else 0.</summary>
    public long StartTimer() => _latency.Enabled ? Stopwatch.GetTimestamp() : 0;

    public void Allocation(Region? region, CmaOutcome outcome, long started = 0, bool migrated = false)
    {
        if (_allocations.Enabled)
            _allocations.Add(1, Tag("region", region?.Info.Name), Tag("allocator", region?.AllocatorName), Tag("outcome", OutcomeName(outcome)));
        if (started != 0)
        {
            _latency.Record(Stopwatch.GetElapsedTime(started).TotalMicroseconds, Tag("region", region?.Info.Name),
                new KeyValuePair<string, object?>("migrated", migrated));
        }
    }

    /// <summary>Counts a live allocator swap.</summary>
    public void Swap(Region region, string outcome) =>
        _swaps.Add(1, Tag("region", region.Info.Name), Tag("allocator", region.AllocatorName), Tag("outcome", outcome));

    /// <summary>Counts a plugin hot reload: <paramref name="outcome"/> is ok, partial or failed.</summary>
    public void HotReload(string plugin, string outcome) =>
        _hotReloads.Add(1, Tag("plugin", plugin), Tag("outcome", outcome));
    /// <summary>Counts a configuration reload (<c>applied</c>, <c>unchanged</c>, <c>invalid</c>, <c>refused</c>).</summary>
    public void Reload(string outcome) => _reloads.Add(1, Tag("outcome", outcome));

    /// <summary>Counts a movable allocation request.</summary>
    public void MovableAllocation(Region? region, CmaOutcome outcome, bool discardable)
    {
        if (_movableAllocations.Enabled)
        {
            _movableAllocations.Add(1, Tag("region", region?.Info.Name), Tag("outcome", OutcomeName(outcome)),
                Tag("kind", discardable ? "discardable" : "movable"));
        }
    }

    public void Free(Region? region, CmaOutcome outcome)
    {
        if (_frees.Enabled)
            _frees.Add(1, Tag("region", region?.Info.Name), Tag("allocator", region?.AllocatorName), Tag("outcome", OutcomeName(outcome)));
    }

    public void GuardOverrun(Region region) => _guardOverruns.Add(1, Tag("region", region.Info.Name), Tag("allocator", region.AllocatorName));

    public void RejectedArgument(string parameter) => _rejected.Add(1, Tag("parameter", parameter));

    /// <summary>Registers the per-region gauges (each measurement reads the service's regions at that moment, so a
    /// configuration reload's added and removed regions are followed) and fault counting for a service's regions.</summary>
    public void Observe(CmaService service)
    {
        foreach (Region region in service.Regions)
            Watch(region);
        _meter.CreateObservableGauge("cma.region.free_bytes", () => Measure(service, s => (long)s.FreeBytes), "By", "Free bytes per region (rounding included; 0 while fenced).");
        _meter.CreateObservableGauge("cma.region.largest_free_block", () => Measure(service, s => (long)s.LargestFreeBlock), "By", "Largest allocatable block per region (0 while fenced).");
        _meter.CreateObservableGauge("cma.region.chunks", () => Measure(service, s => s.Chunks), "{chunk}", "Live chunks per region.");
        _meter.CreateObservableGauge("cma.region.restored_chunks", () => MeasureRegions(service, r => r.RestoredChunks), "{chunk}",
            "Chunks a persisted region (Persist: true) restored from its table when it opened.");
        _meter.CreateObservableGauge("cma.region.movable_chunks", () => Measure(service, s => s.MovableChunks), "{chunk}", "Live movable chunks per region.");
        _meter.CreateObservableGauge("cma.region.movable_bytes", () => Measure(service, s => (long)s.MovableBytes), "By", "Bytes of live movable chunks per region.");
        _meter.CreateObservableGauge("cma.region.pinned_chunks", () => Measure(service, s => s.PinnedChunks), "{chunk}", "Movable chunks with a pin, per region.");
        _meter.CreateObservableCounter("cma.migrations", () => Measure(service, s => s.Migrations), "{move}", "Moves of movable chunks (migration, compaction, long-term pins) per source region.");
        _meter.CreateObservableCounter("cma.migrated_bytes", () => Measure(service, s => (long)s.MigratedBytes), "By", "Bytes those moves carried.");
        _meter.CreateObservableCounter("cma.discarded_chunks", () => Measure(service, s => s.DiscardedChunks), "{chunk}", "Discardable chunks dropped to make room.");
        _meter.CreateObservableCounter("cma.migration_failures", () => MeasureFailures(service), "{allocation}",
            "Contiguous requests that movable chunks made fail, by reason (pinned, no-room, mover-failed).");
        _meter.CreateObservableGauge("cma.region.fenced", () => Measure(service, s => s.State == RegionState.Fenced ? 1 : 0), "{region}", "1 while a region is fenced.");
    }

    /// <summary>Counts <paramref name="region"/>'s faults: those while it was opened (Create throwing, before it was
    /// watched) now, and every later one as it happens. For each region at start and each one a reload adds.</summary>
    public void Watch(Region region)
    {
        if (region.FaultCount > 0)
            _faults.Add(region.FaultCount, Tag("region", region.Info.Name), Tag("allocator", region.AllocatorName));
        region.Faulted += (r, _) => _faults.Add(1, Tag("region", r.Info.Name), Tag("allocator", r.AllocatorName));
    }

    /// <summary>One measurement per region, read from its published snapshot (never its lock, never the plugin).</summary>
    private static IEnumerable<Measurement<long>> Measure(CmaService service, Func<CmaRegionSnapshot, long> read)
    {
        foreach (Region r in service.Regions)
            yield return new Measurement<long>(read(r.Snapshot()), Tag("region", r.Info.Name), Tag("allocator", r.AllocatorName));
    }

    /// <summary>One measurement per region of a value the region keeps (set once, read without its lock).</summary>
    private static IEnumerable<Measurement<long>> MeasureRegions(CmaService service, Func<Region, long> read)
    {
        foreach (Region r in service.Regions)
            yield return new Measurement<long>(read(r), Tag("region", r.Info.Name), Tag("allocator", r.AllocatorName));
    }

    /// <summary>Per region and reason, the contiguous requests that movable chunks made fail.</summary>
    private static IEnumerable<Measurement<long>> MeasureFailures(CmaService service)
    {
        foreach (Region r in service.Regions)
        {
            CmaRegionSnapshot s = r.Snapshot();
            yield return new Measurement<long>(s.BlockedByPins, Tag("region", r.Info.Name), Tag("reason", "pinned"));
            yield return new Measurement<long>(s.BlockedNoRoom, Tag("region", r.Info.Name), Tag("reason", "no-room"));
            yield return new Measurement<long>(s.MoverFailures, Tag("region", r.Info.Name), Tag("reason", "mover-failed"));
        }
    }

    private static KeyValuePair<string, object?> Tag(string key, string? value) => new(key, value ?? "");

    private static string OutcomeName(CmaOutcome outcome) => outcome switch
    {
        CmaOutcome.Ok => "ok",
        CmaOutcome.NoSpace => "no-space",
        CmaOutcome.NoMatchingRule => "no-rule",
        CmaOutcome.AllRegionsFenced => "fenced",
        CmaOutcome.NotFound => "not-found",
        CmaOutcome.Pinned => "pinned",
        CmaOutcome.NoRoomToMigrate => "no-room-to-migrate",
        CmaOutcome.MoverFailed => "mover-failed",
        CmaOutcome.Discarded => "discarded",
        _ => "other",
    };

    public void Dispose()
    {
        if (_ownsMeter)
            _meter.Dispose();
    }
}
