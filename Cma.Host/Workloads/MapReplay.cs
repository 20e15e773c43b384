using System.Diagnostics;
using Cma.Host.Regions;

namespace Cma.Host.Workloads;

/// <summary>
/// Replays a workload against the configured regions through the host API (<see cref="CmaService"/>): each allocation
/// goes to its <c>@device/type</c> through the map (or to <c>--device</c>, or straight to <c>--region</c>), each free
/// by address — the host doing what a CMA host does. Measures per device (asked, got, how it failed) and per region
/// (placements, peak live bytes, footprint, fragmentation after every operation). Chunks the workload never frees stay
/// live, so the region table afterwards shows the end state.
/// </summary>
internal static class MapReplay
{
    /// <summary>Replays <paramref name="reader"/>; <paramref name="device"/> (with <paramref name="type"/>) serves operations
    /// without <c>@device</c>, <paramref name="region"/> sends every request to named regions instead of the map.</summary>
    /// <exception cref="TraceFormatException">An operation has no device and neither <paramref name="device"/> nor <paramref name="region"/> is given.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // one long loop: no tier-0/OSR
    public static MapReplayResult Run(ITraceReader reader, CmaService service, string traceName, string? device, string? type, string? region,
        Action<double>? progress = null)
    {
        var result = new MapReplayResult { Trace = reader.Counters };
        IReadOnlyList<Region> regions = service.Regions;
        var regionIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var live = new ulong[regions.Count];
        var footprint = new ulong[regions.Count];
        var fragSum = new double[regions.Count];
        var series = new ReplaySeries[regions.Count];
        for (int i = 0; i < regions.Count; i++)
        {
            regionIndex.Add(regions[i].Info.Name, i);
            series[i] = new ReplaySeries();
            result.Regions.Add(new ReplayResult { Allocator = regions[i].Info.Name + " (" + regions[i].AllocatorName + ")", RegionSize = regions[i].Info.Size, Granule = regions[i].Info.Granule });
        }
        var rows = new Dictionary<(string, string?), DeviceReplayRow>();
        var slots = new SlotState();
        var regionOf = new int[1024];
        long op = 0, parseTicks = 0, serviceTicks = 0, began = Stopwatch.GetTimestamp();
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
                string? who = next.Device ?? device;
                string? what = next.Device is null ? type : next.Type;
                if (who is null && region is null)
                    throw new TraceFormatException(traceName, next.Line, "the operation names no @device; give --device NAME (and --type) or --region NAME for traces without devices.");
                DeviceReplayRow row = Row(rows, result, region is null ? who! : "region:" + region, region is null ? what : null);
                row.Requests++;
                if (next.Size == 0)
                    result.ZeroSizeRequests++;
                CmaOutcome outcome;
                CmaChunk chunk;
                long t1 = Stopwatch.GetTimestamp();
                try
                {
                    outcome = region is null
                        ? service.TryAllocate(who!, what, Math.Max(1, next.Size), next.Alignment, out chunk)
                        : service.TryAllocateFrom(region, Math.Max(1, next.Size), next.Alignment, out chunk);
                }
                catch (ArgumentException)
                {
                    outcome = CmaOutcome.NoSpace;  // a size that overflows when rounded cannot be placed anywhere
                    chunk = default;
                }
                serviceTicks += Stopwatch.GetTimestamp() - t1;
                if (outcome == CmaOutcome.Ok)
                {
                    int r = regionIndex[chunk.Region];
                    slots.Set(next.Slot, chunk.Address, chunk.Size, next.Size);
                    if (next.Slot >= regionOf.Length)
                        Array.Resize(ref regionOf, Math.Max(next.Slot + 1, regionOf.Length * 2));
                    regionOf[next.Slot] = r;
                    row.Satisfied++;
                    row.BytesPlaced += chunk.Size;
                    row.PlacedIn[chunk.Region] = row.PlacedIn.GetValueOrDefault(chunk.Region) + 1;
                    ReplayResult rr = result.Regions[r];
                    rr.Satisfied++;
                    live[r] += chunk.Size;
                    footprint[r] = Math.Max(footprint[r], chunk.Address + chunk.Size - regions[r].Info.Start);
                    if (live[r] > rr.PeakLiveBytes)
                    {
                        rr.PeakLiveBytes = live[r];
                        rr.PeakLiveOp = op;
                    }
                }
                else
                {
                    slots.Set(next.Slot, 0, 0, 0);
                    if (row.FirstFailureOp == 0)
                    {
                        row.FirstFailureOp = op;
                        row.FirstFailureLine = next.Line;
                    }
                    switch (outcome)
                    {
                        case CmaOutcome.NoMatchingRule: row.NoMatchingRule++; break;
                        case CmaOutcome.AllRegionsFenced: row.AllRegionsFenced++; break;
                        default: row.NoSpace++; break;
                    }
                }
            }
            else
            {
                (ulong address, ulong rounded, _) = slots.Take(next.Slot);
                if (rounded == 0)
                {
                    result.FreesOfFailedSkipped++;
                }
                else
                {
                    long t1 = Stopwatch.GetTimestamp();
                    service.TryFree(address);
                    serviceTicks += Stopwatch.GetTimestamp() - t1;
                    int r = regionOf[next.Slot];
                    live[r] -= rounded;
                    result.Regions[r].Frees++;
                }
            }
            for (int r = 0; r < regions.Count; r++)
            {
                CmaAllocatorStats s = regions[r].LastStats;
                double frag = s.FreeBytes == 0 ? 0 : 1 - (double)s.LargestFreeBlock / s.FreeBytes;
                fragSum[r] += frag;
                if (frag > result.Regions[r].FragmentationMax)
                    result.Regions[r].FragmentationMax = frag;
                series[r].Add(frag, live[r], footprint[r]);
            }
            if ((op & 0xFFFF) == 0)
                progress?.Invoke(reader.Progress);
        }
        for (int r = 0; r < regions.Count; r++)
        {
            ReplayResult rr = result.Regions[r];
            rr.Operations = op;
            rr.PeakFootprint = footprint[r];
            rr.FragmentationSamples = op;
            rr.FragmentationMean = op == 0 ? 0 : fragSum[r] / op;
            rr.Series = series[r].Points();
            rr.Fault = regions[r].State == RegionState.Active ? null : regions[r].FenceReason;
        }
        result.Operations = op;
        result.ParseSeconds = parseTicks / (double)Stopwatch.Frequency;
        result.ServiceSeconds = serviceTicks / (double)Stopwatch.Frequency;
        result.WallSeconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        progress?.Invoke(1);
        return result;
    }

    private static DeviceReplayRow Row(Dictionary<(string, string?), DeviceReplayRow> rows, MapReplayResult result, string device, string? type)
    {
        if (!rows.TryGetValue((device, type), out DeviceReplayRow? row))
        {
            row = new DeviceReplayRow(device, type);
            rows.Add((device, type), row);
            result.Devices.Add(row);
        }
        return row;
    }
}
