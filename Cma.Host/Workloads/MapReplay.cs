using System.Diagnostics;
using System.Runtime.CompilerServices;
using Cma.Runtime.Regions;

namespace Cma.Host.Workloads;

/// <summary>
/// Replays a workload against the configured regions through the host API (<see cref="CmaService"/>): each allocation
/// goes to its <c>@device/type</c> through the map (or to <c>--device</c>, or straight to <c>--region</c>), each free
/// by address — the host doing what a CMA host does. Measures per device (asked, got, how it failed) and per region
/// (placements, peak live bytes, footprint, fragmentation after every operation: one <see cref="ReplayMeter"/> each).
/// Chunks the workload never frees stay live, so the region table afterwards shows the end state. Movable chunks, pins
/// and unpins go through the host's reusable-region API (<c>MapReplay.Movable.cs</c>); the per-device rows are kept in
/// <c>MapReplay.Devices.cs</c>.
/// </summary>
internal sealed partial class MapReplay
{
    /// <summary>The host the operations go through.</summary>
    private readonly CmaService _service;

    /// <summary>The configured regions, in the service's order; indexes below are into this list.</summary>
    private readonly Region[] _regions;

    /// <summary>Region name → index into <see cref="_regions"/>.</summary>
    private readonly Dictionary<string, int> _regionIndex = new(StringComparer.Ordinal);

    /// <summary>Per region, its measurements (writing into <c>_result.Regions[r]</c>).</summary>
    private readonly ReplayMeter[] _meters;

    /// <summary>Per region, the occupancy kept up to date for the HTML report; null when no report asked for it.</summary>
    private readonly OccupancyTracker? _occupancy;

    /// <summary>Builds a region's occupancy map now (a cached delegate: no allocation per free).</summary>
    private readonly Func<int, string, long, OccupancyMap> _describe;

    /// <summary>What the replay found so far.</summary>
    private readonly MapReplayResult _result;

    /// <summary>Reads the operations, numbers them and reports progress.</summary>
    private readonly TraceCursor _cursor;

    /// <summary>Where operations without <c>@device</c> go: a device (and type), or named regions (<c>--region</c>, comma-separated).</summary>
    private readonly (string Trace, string? Device, string? Type, string? Region, string[]? RegionList, string? MovableRegion) _target;

    /// <summary>Per device/type (or <c>region:NAMES</c>), its row of <see cref="MapReplayResult.Devices"/>.</summary>
    private readonly Dictionary<(string, string?), DeviceReplayRow> _rows = [];

    /// <summary>Per trace slot, where its live allocation is (rounded size 0: the request failed).</summary>
    private readonly SlotState _slots = new();

    /// <summary>Per trace slot with a live chunk, the index of the region holding it.</summary>
    private int[] _regionOf = new int[1024];

    /// <summary>Stopwatch ticks spent in the service's allocate and free.</summary>
    private long _serviceTicks;

    /// <summary>Service calls timed into <see cref="_serviceTicks"/>: each read the timer twice, whose cost is taken off at the end.</summary>
    private long _serviceCalls;

    /// <summary>Each contiguous allocation call's time, when asked for (<c>timeContiguous</c>); null otherwise.</summary>
    private readonly LatencyHistogram? _contiguousLatency;

    private MapReplay(ITraceReader reader, CmaService service, (string, string?, string?, string?, string[]?, string?) target, Action<double>? progress,
        bool captureOccupancy, bool timeContiguous)
    {
        _service = service;
        _regions = [.. service.Regions];
        _target = target;
        _result = new MapReplayResult { Trace = reader.Counters };
        _cursor = new TraceCursor(reader, progress);
        _meters = new ReplayMeter[_regions.Length];
        for (int i = 0; i < _regions.Length; i++)
        {
            Region region = _regions[i];
            _regionIndex.Add(region.Info.Name, i);
            var lane = new ReplayResult { Name = region.Info.Name + " (" + region.AllocatorName + ")", RegionSize = region.Info.Size, Granule = region.Info.Granule };
            _result.Regions.Add(lane);
            _meters[i] = new ReplayMeter(lane, region.Info.Start);
            Preload(_meters[i], region);
        }
        _occupancy = captureOccupancy ? new OccupancyTracker([.. _regions.Select(x => x.Info.Size)]) : null;
        _describe = Describe;
        _contiguousLatency = timeContiguous ? new LatencyHistogram() : null;
        _before = service.GetRegions();
    }

    /// <summary>Replays <paramref name="reader"/>; <paramref name="device"/> (with <paramref name="type"/>) serves operations
    /// without <c>@device</c>, <paramref name="region"/> sends every request to named regions instead of the map.</summary>
    /// <exception cref="TraceFormatException">An operation has no device and neither <paramref name="device"/> nor <paramref name="region"/> is given.</exception>
    /// <remarks>With <c>captureOccupancy</c> it also takes each region's occupancy map at its peak load and at the first
    /// failed request that could have gone there (for the HTML report). <paramref name="movableRegion"/> sends movable
    /// requests to named regions instead (a carve-out); <paramref name="timeContiguous"/> times each contiguous
    /// allocation call into <see cref="MapReplayResult.ContiguousLatency"/>. While it runs, an address-space-only reusable
    /// region reports its moves to a mover of the replay's, which counts them.</remarks>
    public static MapReplayResult Run(ITraceReader reader, CmaService service, string traceName, string? device, string? type, string? region,
        Action<double>? progress = null, bool captureOccupancy = false, string? movableRegion = null, bool timeContiguous = false)
    {
        string[]? regionList = region?.Split(',', StringSplitOptions.TrimEntries);
        var replay = new MapReplay(reader, service, (traceName, device, type, region, regionList, movableRegion ?? region), progress, captureOccupancy,
            timeContiguous);
        long began = Stopwatch.GetTimestamp();
        bool mover = replay.RegisterMover();
        try
        {
            replay.Loop();
        }
        finally
        {
            if (mover)
                service.SetMover(null);
        }
        return replay.Finish(began);
    }

    /// <summary>Counts the chunks <paramref name="region"/> held before the replay (a restored state) in its meter: the
    /// trace never frees them, and they occupy the region for all of it.</summary>
    private static void Preload(ReplayMeter meter, Region region)
    {
        if (region.Chunks.Count == 0)
            return;
        ulong end = 0;
        region.Chunks.ForEach((start, entry) => end = Math.Max(end, start + entry.Size));
        meter.Preload(region.Chunks.Bytes, end);
    }

    /// <summary>Replays every operation, sampling every region after each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one long loop: no tier-0/OSR
    private void Loop()
    {
        TraceCursor cursor = _cursor;
        ReplayMeter[] meters = _meters;
        Region[] regions = _regions;
        while (cursor.TryRead(out TraceOp next))
        {
            if (next.Kind == TraceOpKind.Allocate)
                Allocate(in next, cursor.Operation);
            else if (next.Kind == TraceOpKind.Free)
                Free(in next);
            else
                Reusable(in next, cursor.Operation);
            for (int r = 0; r < meters.Length; r++)
                meters[r].Sample(regions[r].LastStats);
            cursor.AfterOperation();
        }
    }

    /// <summary>Replays allocation <paramref name="op"/> through the map (or the named regions).</summary>
    private void Allocate(in TraceOp next, long op)
    {
        string? region = _target.Region;
        DeviceReplayRow row = Target(in next, region, out string? who, out string? what);
        row.Requests++;
        _result.ContiguousRequests++;
        if (next.Size == 0)
            _result.ZeroSizeRequests++;
        CmaOutcome outcome;
        CmaChunk chunk;
        long t1 = Stopwatch.GetTimestamp();
        try
        {
            outcome = region is null
                ? _service.TryAllocate(who!, what, Math.Max(1, next.Size), next.Alignment, out chunk)
                : _service.TryAllocateFrom(region, Math.Max(1, next.Size), next.Alignment, out chunk);
        }
        catch (ArgumentException)
        {
            outcome = CmaOutcome.NoSpace;  // a size that overflows when rounded cannot be placed anywhere
            chunk = default;
        }
        long took = Stopwatch.GetTimestamp() - t1;
        ChargeService(took);
        _contiguousLatency?.Record(took);
        if (outcome == CmaOutcome.Ok)
            Placed(in next, op, chunk, row);
        else
            Refused(in next, op, outcome, row, who, what);
    }

    /// <summary>Allocation <paramref name="op"/> got <paramref name="chunk"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per operation: inlined into the loop, as when it was one method
    private void Placed(in TraceOp next, long op, CmaChunk chunk, DeviceReplayRow row)
    {
        int r = _regionIndex[chunk.Region];
        _slots.Set(next.Slot, chunk.Address, chunk.Size, next.Size);
        if (next.Slot >= _regionOf.Length)
            Array.Resize(ref _regionOf, Math.Max(next.Slot + 1, _regionOf.Length * 2));
        _regionOf[next.Slot] = r;
        row.Satisfied++;
        _result.ContiguousSatisfied++;
        row.BytesPlaced += chunk.Size;
        row.PlacedIn[chunk.Region] = row.PlacedIn.GetValueOrDefault(chunk.Region) + 1;
        _occupancy?.Change(r, chunk.Address - _regions[r].Info.Start, chunk.Size, +1);
        if (_meters[r].Allocated(chunk.Address, chunk.Size, op))
            _occupancy?.NewPeak(r, op);
    }

    /// <summary>Replays a free by address (skipped when its allocation failed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per operation: inlined into the loop, as when it was one method
    private void Free(in TraceOp next)
    {
        (ulong address, ulong rounded, _) = _slots.Take(next.Slot);
        if (rounded == 0)
        {
            _result.FreesOfFailedSkipped++;
            return;
        }
        int r = _regionOf[next.Slot];
        if (_movable is not null && _movable.TryTake(next.Slot, out MovableSlots.Entry? movable))
        {
            FreeMovable(movable, r, rounded);
            return;
        }
        _occupancy?.BeforeFree(r, _describe);
        long t1 = Stopwatch.GetTimestamp();
        _service.TryFree(address);
        ChargeService(Stopwatch.GetTimestamp() - t1);
        _occupancy?.Change(r, address - _regions[r].Info.Start, rounded, -1);
        _meters[r].Freed(rounded);
    }

    /// <summary>Completes every region's result and the totals.</summary>
    private MapReplayResult Finish(long began)
    {
        long op = _cursor.Operation;
        _occupancy?.Finish(_describe);
        for (int r = 0; r < _regions.Length; r++)
        {
            ReplayResult lane = _result.Regions[r];
            if (_occupancy is not null)
                lane.Occupancy = [.. new[] { _occupancy.PeakMaps[r], _occupancy.FailureMaps[r] }.OfType<OccupancyMap>()];
            _meters[r].Finish(op);
            lane.Fault = _regions[r].State == RegionState.Active ? null : _regions[r].FenceReason;
        }
        FinishMigration();
        _result.ContiguousLatency = _contiguousLatency?.Summarize();
        _result.Operations = op;
        _result.ParseSeconds = _cursor.ReadSeconds;
        _result.ServiceSeconds = Math.Max(0, _serviceTicks - _serviceCalls * LatencyHistogram.TimerCostTicks) / (double)Stopwatch.Frequency;
        _result.WallSeconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        _cursor.Done();
        return _result;
    }

    /// <summary>Region <paramref name="r"/>'s occupancy map now, labelled <paramref name="what"/> at operation <paramref name="atOp"/>.</summary>
    private OccupancyMap Describe(int r, string what, long atOp)
    {
        CmaAllocatorStats s = _regions[r].LastStats;
        return new OccupancyMap(atOp, what, _regions[r].Info.Size, _regions[r].Chunks.Count, _meters[r].Live, s.FreeBytes, s.LargestFreeBlock, s.FreeBlockCount,
            _occupancy!.Cells(r));
    }
}
