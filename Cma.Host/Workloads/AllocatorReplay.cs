using System.Diagnostics;
using Cma.Runtime.Regions;

namespace Cma.Host.Workloads;

/// <summary>
/// Replays a workload on one region through the host's guard (<see cref="Region"/>), so every plugin result is
/// verified, and measures it: requests satisfied and failed, the first failure, peak live bytes, peak footprint,
/// external fragmentation after every operation, internal fragmentation at peak load, and the time of each allocator
/// call. Streams: memory is the live allocations (indexed by the reader's dense slots) plus fixed-size metrics.
/// A fenced region (plugin fault) ends the run; the result carries the reason.
/// </summary>
internal static class AllocatorReplay
{
    /// <summary>Operations between progress reports.</summary>
    private const int ProgressEvery = 1 << 16;

    /// <summary>Replays <paramref name="reader"/> on <paramref name="region"/>, which must be open and empty.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // one long loop: no tier-0/OSR
    public static ReplayResult Run(ITraceReader reader, Region region, ReplayOptions options)
    {
        ulong granule = region.Info.Granule, start = region.Info.Start;
        var result = new ReplayResult { Name = region.AllocatorName, RegionSize = region.Info.Size, Granule = granule, Trace = reader.Counters };
        var latency = new LatencyHistogram();
        var series = new ReplaySeries();
        var slots = new SlotState();
        ulong live = 0, requested = 0, footprint = 0;
        double fragSum = 0;
        long parseTicks = 0, op = 0, began = Stopwatch.GetTimestamp();
        if (region.State != RegionState.Active)
        {
            result.Fault = region.FenceReason;
            return result;
        }
        lock (region.Sync)
        {
            while (true)
            {
                long t0 = Stopwatch.GetTimestamp();
                bool more = reader.TryRead(out TraceOp next);
                parseTicks += Stopwatch.GetTimestamp() - t0;
                if (!more)
                    break;
                op++;
                if (next.Kind == TraceOpKind.Allocate)
                {
                    result.Requests++;
                    ulong size = next.Size;
                    if (size == 0)
                    {
                        result.ZeroSizeRequests++;
                        size = granule;
                    }
                    RegionAllocateResult outcome = RegionAllocateResult.NoSpace;
                    ulong address = 0, rounded = 0;
                    if (size <= ulong.MaxValue - granule)
                    {
                        (rounded, ulong alignment) = region.Normalize(size, next.Alignment);
                        long t1 = Stopwatch.GetTimestamp();
                        outcome = region.TryAllocate(rounded, alignment, 0, out address);
                        latency.Record(Stopwatch.GetTimestamp() - t1);
                    }
                    if (outcome == RegionAllocateResult.Ok)
                    {
                        result.Satisfied++;
                        slots.Set(next.Slot, address, rounded, next.Size);
                        live += rounded;
                        requested += next.Size;
                        footprint = Math.Max(footprint, address + rounded - start);
                        if (live > result.PeakLiveBytes)
                        {
                            result.PeakLiveBytes = live;
                            result.PeakLiveOp = op;
                            result.PeakRequestedBytes = requested;
                            result.InternalFragmentation = region.ReservedBytes == 0 ? 0 : 1 - (double)live / region.ReservedBytes;
                        }
                    }
                    else if (outcome == RegionAllocateResult.Fenced)
                    {
                        result.Fault = region.FenceReason;
                        break;
                    }
                    else
                    {
                        slots.Set(next.Slot, 0, 0, 0);
                        result.Failed++;
                        if (result.FailureOps.Count < 1000)
                            result.FailureOps.Add(op);
                        if (result.FirstFailure is null)
                        {
                            CmaAllocatorStats s = region.LastStats;
                            result.FirstFailure = new ReplayFailure(op, next.Line, size, Math.Max(next.Alignment, granule), live, s.FreeBytes, s.LargestFreeBlock);
                            if (options.SnapshotFirstFailure)
                                result.Occupancy.Add(Snapshot(region, op, "first failure", live));
                        }
                    }
                }
                else
                {
                    (ulong address, ulong rounded, ulong raw) = slots.Take(next.Slot);
                    if (rounded == 0)
                    {
                        result.FreesOfFailedSkipped++;
                    }
                    else
                    {
                        result.Frees++;
                        long t1 = Stopwatch.GetTimestamp();
                        region.TryFree(address, out _);
                        latency.Record(Stopwatch.GetTimestamp() - t1);
                        live -= rounded;
                        requested -= raw;
                        if (region.State != RegionState.Active)
                        {
                            result.Fault = region.FenceReason;
                            break;
                        }
                    }
                }
                CmaAllocatorStats stats = region.LastStats;
                double frag = stats.FreeBytes == 0 ? 0 : 1 - (double)stats.LargestFreeBlock / stats.FreeBytes;
                fragSum += frag;
                if (frag > result.FragmentationMax)
                    result.FragmentationMax = frag;
                series.Add(frag, live, footprint);
                if (op == options.PeakSnapshotOp)
                    result.Occupancy.Insert(0, Snapshot(region, op, "peak load", live));
                if (result.Failed > 0 && options.StopAtFirstFailure)
                {
                    result.Stopped = true;
                    break;
                }
                if ((op & (ProgressEvery - 1)) == 0)
                    options.Progress?.Invoke(reader.Progress);
            }
            ReleaseAll(region);
        }
        result.Operations = op;
        result.PeakFootprint = footprint;
        result.FragmentationSamples = op;
        result.FragmentationMean = op == 0 ? 0 : fragSum / op;
        result.Latency = latency.Summarize();
        result.ParseSeconds = parseTicks / (double)Stopwatch.Frequency;
        result.WallSeconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        result.Series = series.Points();
        options.Progress?.Invoke(1);
        return result;
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
