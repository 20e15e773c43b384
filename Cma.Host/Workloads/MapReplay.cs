using System.Diagnostics;
using Cma.Runtime.Regions;

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
    /// <remarks>With <c>captureOccupancy</c> it also takes each region's occupancy map at its peak load and at the first
    /// failed request that could have gone there (for the HTML report).</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // one long loop: no tier-0/OSR
    public static MapReplayResult Run(ITraceReader reader, CmaService service, string traceName, string? device, string? type, string? region,
        Action<double>? progress = null, bool captureOccupancy = false)
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
            result.Regions.Add(new ReplayResult { Name = regions[i].Info.Name + " (" + regions[i].AllocatorName + ")", RegionSize = regions[i].Info.Size, Granule = regions[i].Info.Granule });
        }
        long op = 0;
        OccupancyTracker? occupancy = captureOccupancy ? new OccupancyTracker([.. regions.Select(x => x.Info.Size)]) : null;
        OccupancyMap Describe(int r, string what, long atOp)
        {
            CmaAllocatorStats s = regions[r].LastStats;
            return new OccupancyMap(atOp, what, regions[r].Info.Size, regions[r].Chunks.Count, live[r], s.FreeBytes, s.LargestFreeBlock, s.FreeBlockCount,
                occupancy!.Cells(r));
        }
        string[]? regionList = region?.Split(',', StringSplitOptions.TrimEntries);
        var rows = new Dictionary<(string, string?), DeviceReplayRow>();
        var slots = new SlotState();
        var regionOf = new int[1024];
        long parseTicks = 0, serviceTicks = 0, began = Stopwatch.GetTimestamp();
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
                    occupancy?.Change(r, chunk.Address - regions[r].Info.Start, chunk.Size, +1);
                    if (live[r] > rr.PeakLiveBytes)
                    {
                        rr.PeakLiveBytes = live[r];
                        rr.PeakLiveOp = op;
                        occupancy?.NewPeak(r, op);
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
                    if (occupancy is not null && outcome == CmaOutcome.NoSpace)
                    {
                        IReadOnlyList<string>? candidates = regionList ?? service.Map.FindRegions(who!, what);
                        foreach (string name in candidates ?? [])
                        {
                            if (regionIndex.TryGetValue(name, out int c))
                                occupancy.Failed(c, op, Describe);
                        }
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
                    int r = regionOf[next.Slot];
                    occupancy?.BeforeFree(r, Describe);
                    long t1 = Stopwatch.GetTimestamp();
                    service.TryFree(address);
                    serviceTicks += Stopwatch.GetTimestamp() - t1;
                    occupancy?.Change(r, address - regions[r].Info.Start, rounded, -1);
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
        occupancy?.Finish(Describe);
        for (int r = 0; r < regions.Count; r++)
        {
            ReplayResult rr = result.Regions[r];
            if (occupancy is not null)
                rr.Occupancy = [.. new[] { occupancy.PeakMaps[r], occupancy.FailureMaps[r] }.OfType<OccupancyMap>()];
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
