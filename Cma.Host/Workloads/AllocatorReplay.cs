using System.Diagnostics;
using System.Runtime.CompilerServices;
using Cma.Runtime.Regions;

namespace Cma.Host.Workloads;

/// <summary>
/// Replays a workload on one region through the host's guard (<see cref="Region"/>), so every plugin result is
/// verified, and measures it: requests satisfied and failed, the first failure, peak live bytes, peak footprint,
/// external fragmentation after every operation (<see cref="ReplayMeter"/>) and internal fragmentation at peak load. It
/// times nothing per operation: <c>cma compare</c> times the allocator in a second, unguarded pass
/// (<see cref="AllocatorTiming"/>). Streams: memory is the live allocations (indexed by the reader's dense slots) plus
/// fixed-size metrics. A fenced region (plugin fault) ends the run; the result carries the reason.
/// </summary>
internal sealed class AllocatorReplay
{
    /// <summary>The region replayed on: open, empty at the start, its lock held for the whole loop.</summary>
    private readonly Region _region;

    /// <summary>When to stop early and which occupancy maps to take.</summary>
    private readonly ReplayOptions _options;

    /// <summary>The region's granule: a zero-size request is replayed as one.</summary>
    private readonly ulong _granule;

    /// <summary>What the replay found so far.</summary>
    private readonly ReplayResult _result;

    /// <summary>Reads the operations, numbers them and reports progress.</summary>
    private readonly TraceCursor _cursor;

    /// <summary>Live bytes, peak, footprint, fragmentation and failures of the region.</summary>
    private readonly ReplayMeter _meter;

    /// <summary>Per trace slot, where its live allocation is (rounded size 0: the request failed).</summary>
    private readonly SlotState _slots = new();

    /// <summary>Bytes the trace asked for in live chunks, before rounding (for internal fragmentation at the peak).</summary>
    private ulong _requested;

    private AllocatorReplay(ITraceReader reader, Region region, ReplayOptions options, ReplayResult result)
    {
        _region = region;
        _granule = region.Info.Granule;
        _options = options;
        _result = result;
        _cursor = new TraceCursor(reader, options.Progress);
        _meter = new ReplayMeter(result, region.Info.Start);
    }

    /// <summary>Replays <paramref name="reader"/> on <paramref name="region"/>, which must be open and empty.</summary>
    public static ReplayResult Run(ITraceReader reader, Region region, ReplayOptions options)
    {
        var result = new ReplayResult { Name = region.AllocatorName, RegionSize = region.Info.Size, Granule = region.Info.Granule, Trace = reader.Counters };
        long began = Stopwatch.GetTimestamp();
        if (region.State != RegionState.Active)
        {
            result.Fault = region.FenceReason;
            return result;
        }
        var replay = new AllocatorReplay(reader, region, options, result);
        lock (region.Sync)
        {
            replay.Loop();
            ReleaseAll(region);
        }
        replay._meter.Finish(replay._cursor.Operation);
        result.ParseSeconds = replay._cursor.ReadSeconds;
        result.WallSeconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        replay._cursor.Done();
        return result;
    }

    /// <summary>Replays until the trace ends, the region is fenced, or (when asked) the first failure.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one long loop: no tier-0/OSR
    private void Loop()
    {
        TraceCursor cursor = _cursor;
        while (cursor.TryRead(out TraceOp next))
        {
            long op = cursor.Operation;
            if (!(next.Kind == TraceOpKind.Allocate ? Allocate(in next, op)
                    : next.Kind == TraceOpKind.Free ? Free(in next)
                    : Reusable(in next, op)))
                break;
            _meter.Sample(_region.LastStats);
            if (op == _options.PeakSnapshotOp)
                _result.Occupancy.Insert(0, Snapshot(_region, op, "peak load", _meter.Live));
            if (_result.Failed > 0 && _options.StopAtFirstFailure)
            {
                _result.Stopped = true;
                break;
            }
            cursor.AfterOperation();
        }
    }

    /// <summary>Replays allocation <paramref name="op"/>; false when it fenced the region.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per operation: inlined into the loop, as when it was one method
    private bool Allocate(in TraceOp next, long op)
    {
        _result.Requests++;
        ulong granule = _granule, size = next.Size;
        if (size == 0)
        {
            _result.ZeroSizeRequests++;
            size = granule;
        }
        RegionAllocateResult outcome = RegionAllocateResult.NoSpace;
        ulong address = 0, rounded = 0;
        if (size <= ulong.MaxValue - granule)
        {
            (rounded, ulong alignment) = _region.Normalize(size, next.Alignment);
            outcome = _region.TryAllocate(rounded, alignment, 0, out address);
        }
        if (outcome == RegionAllocateResult.Ok)
        {
            _slots.Set(next.Slot, address, rounded, next.Size);
            _requested += next.Size;
            if (_meter.Allocated(address, rounded, op))
            {
                _result.PeakRequestedBytes = _requested;
                _result.InternalFragmentation = _region.ReservedBytes == 0 ? 0 : 1 - (double)_meter.Live / _region.ReservedBytes;
            }
            return true;
        }
        if (outcome == RegionAllocateResult.Fenced)
        {
            _result.Fault = _region.FenceReason;
            return false;
        }
        _slots.Set(next.Slot, 0, 0, 0);
        _meter.Failed(op);
        if (_result.FirstFailure is null)
            FirstFailure(in next, op, size);
        return true;
    }

    /// <summary>
    /// Replays the reusable-region operations on a raw allocator, which has no movable chunks: a movable or discardable
    /// allocation (<c>m</c>, <c>d</c>) is placed exactly like a contiguous one (<c>a</c>), and a pin or unpin
    /// (<c>p</c>, <c>u</c>) does nothing — the region is shared without migration, so each chunk stays where it was
    /// placed until its free. False when it fenced the region.
    /// </summary>
    private bool Reusable(in TraceOp next, long op) => !next.Kind.IsAllocation() || Allocate(in next, op);

    /// <summary>Records the first failed request (and its occupancy map, when asked).</summary>
    private void FirstFailure(in TraceOp next, long op, ulong size)
    {
        CmaAllocatorStats s = _region.LastStats;
        _result.FirstFailure = new ReplayFailure(op, next.Line, size, Math.Max(next.Alignment, _granule), _meter.Live, s.FreeBytes, s.LargestFreeBlock);
        if (_options.SnapshotFirstFailure)
            _result.Occupancy.Add(Snapshot(_region, op, "first failure", _meter.Live));
    }

    /// <summary>Replays a free (skipped when its allocation failed); false when it fenced the region.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per operation: inlined into the loop, as when it was one method
    private bool Free(in TraceOp next)
    {
        (ulong address, ulong rounded, ulong requested) = _slots.Take(next.Slot);
        if (rounded == 0)
        {
            _result.FreesOfFailedSkipped++;
            return true;
        }
        _region.TryFree(address, out _);
        _meter.Freed(rounded);
        _requested -= requested;
        if (_region.State == RegionState.Active)
            return true;
        _result.Fault = _region.FenceReason;
        return false;
    }

    /// <summary>The region's occupancy now.</summary>
    private static OccupancyMap Snapshot(Region region, long op, string what, ulong live)
    {
        var chunks = new List<(ulong, ulong)>((int)Math.Min(region.Chunks.Count, 1 << 20));
        ulong start = region.Info.Start;
        region.Chunks.ForEach((address, entry) => chunks.Add((address - start, entry.Size)));
        CmaAllocatorStats s = region.LastStats;
        return new OccupancyMap(op, what, region.Info.Size, region.Chunks.Count, live, s.FreeBytes, s.LargestFreeBlock, s.FreeBlockCount,
            OccupancyMap.Fold(region.Info.Size, chunks));
    }

    /// <summary>Frees what is still live so the region can be reused or disposed cleanly.</summary>
    private static void ReleaseAll(Region region)
    {
        var starts = new List<ulong>((int)Math.Min(region.Chunks.Count, 1 << 20));
        region.Chunks.ForEach((address, _) => starts.Add(address));
        foreach (ulong address in starts)
            region.TryFree(address, out _);
    }
}
