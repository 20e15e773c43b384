using System.Globalization;
using Cma.Host.Workloads;

namespace Cma.Host.Reports;

/// <summary>A finished comparison: the trace, its profile, the settings and one result per allocator, with the texts
/// (title, notes) and the JSON document the table, the summary and the HTML report share.</summary>
internal sealed class WorkloadComparisonReport(TraceFile trace, TraceProfile profile, ComparisonSettings settings, IReadOnlyList<ReplayResult> results)
{
    public TraceFile Trace => trace;

    public TraceProfile Profile => profile;

    public ComparisonSettings Settings => settings;

    public IReadOnlyList<ReplayResult> Results => results;

    /// <summary>"systemui.zip (android): 784,087 ops on a 64 MiB region at 0x40000000, granule 16".</summary>
    public string Title =>
        $"{trace.Name} ({trace.Format.ToString().ToLowerInvariant()}): {ReportFormat.Count(profile.Operations, "op")}"
        + (settings.RegionSize is ulong s ? $" on a {CmaSize.FormatApproximate(s)} region" : "")
        + $" at 0x{settings.RegionStart:X}, granule {CmaSize.Format(settings.Granule)}";

    /// <summary>Lines under the table: what the reader skipped, parse and replay throughput.</summary>
    public IEnumerable<string> Notes()
    {
        TraceCounters c = profile.Counters;
        yield return $"Trace: {ReportFormat.Count(profile.Requests, "allocation")}, peak live {CmaSize.FormatApproximate(profile.PeakLiveBytes)} if every request is placed, "
            + $"largest request {CmaSize.FormatApproximate(profile.LargestRequest)}.";
        if (c.NullFreesSkipped + c.BadLinesSkipped + c.LivePointersReused > 0 || results.Any(r => r.ZeroSizeRequests > 0))
        {
            yield return $"Skipped: {ReportFormat.N(c.NullFreesSkipped)} free(NULL)/not-live frees, {ReportFormat.N(c.BadLinesSkipped)} bad lines"
                + $", {ReportFormat.N(c.LivePointersReused)} pointers reused while live (freed first)"
                + $", {ReportFormat.N(results.Count > 0 ? results[0].ZeroSizeRequests : 0)} zero-size requests replayed as one granule.";
        }
        if (c.FirstBadLine is not null)
            yield return "First bad line: " + c.FirstBadLine;
        yield return $"Parsing: {ReportFormat.Seconds(profile.ParseSeconds)} for the whole trace ({Rate(profile.Operations, profile.ParseSeconds)} ops/s)"
            + (profile.Recorded is null ? "; replays re-read the file." : "; replays ran from memory.");
        yield return TimingMethod;
        foreach (ReplayResult r in results)
        {
            if (r.Operations == 0)
                continue;
            string line = $"Replay {r.Name}: {ReportFormat.Seconds(r.WallSeconds)} verified through the host's guard ({Rate(r.Operations, r.WallSeconds)} ops/s, "
                + $"{ReportFormat.Nanos(r.WallSeconds * 1e9 / r.Operations)}/op, {Share(r.ParseSeconds, r.WallSeconds)} of it reading ops)";
            if (r.Latency is { } l && r.Timing is { } t)
            {
                string batches = ReportFormat.N(t.Batches) + (t.Batches == 1 ? " batch" : " batches");
                line += $"; timed pass {ReportFormat.Nanos(l.MeanNs)}/op over {ReportFormat.Count(l.Operations, "operation")} ("
                    + (t.Interrupted == 0 ? $"{batches}; "
                        : t.Interrupted == t.Batches ? $"the OS interrupted all {batches}, so all are counted; "
                        : $"{ReportFormat.N(t.Batches - t.Interrupted)} of {batches}; with the {ReportFormat.N(t.Interrupted)} the OS interrupted, {ReportFormat.Nanos(t.ElapsedMeanNs)}/op; ")
                    + $"{ReportFormat.Count(l.Samples, "op")} timed alone)";
                if (t.Failed != r.Failed)
                    line += $"; its requests failed {ReportFormat.N(t.Failed)} times, the verified replay's {ReportFormat.N(r.Failed)}: the allocator is not deterministic, so the time is for other placements";
            }
            if (r.TimingFault is not null)
                line += "; no time: " + r.TimingFault;
            yield return line + ".";
        }
    }

    /// <summary>How the times are measured, under the table and in the HTML report's notes (and in <c>--json</c>'s <c>timing</c>).</summary>
    public static string TimingMethod =>
        "Timing: after the verified replay (the warm-up; on a trace of under 1M operations, untimed passes too, until 1M operations or "
        + $"{WorkloadComparison.WarmUpTime.TotalMilliseconds:0} ms), each allocator replays the trace again on a fresh instance, called directly "
        + $"(no host checks, trace read untimed); the mean per op is timed in batches of {ReportFormat.N(AllocatorTiming.BatchOperations)} operations (one pair of timer reads a batch), "
        + $"batches during which the OS ran another process (wall time beyond the process's CPU time by over {AllocatorTiming.InterruptionMicroseconds} µs) left out; "
        + $"p50 / p99 / max from 1 op in {AllocatorTiming.SampleEvery} timed alone, less the timer's own cost "
        + $"({LatencyHistogram.TimerCostNanoseconds:0} ns a read, measured at start); percentiles from a log-linear histogram (within ~3 %).";

    /// <summary>The document <c>--json</c> writes.</summary>
    public object ToJson() => new
    {
        trace = new
        {
            file = trace.Path,
            format = trace.Format.ToString().ToLowerInvariant(),
            regionLine = trace.RegionSize,
            operations = profile.Operations,
            requests = profile.Requests,
            peakLiveBytes = profile.PeakLiveBytes,
            largestRequest = profile.LargestRequest,
            parseSeconds = profile.ParseSeconds,
            skipped = profile.Counters,
        },
        region = new { start = settings.RegionStart, size = settings.RegionSize, granule = settings.Granule },
        timing = new
        {
            method = "batched",
            batchOperations = AllocatorTiming.BatchOperations,
            sampleEvery = AllocatorTiming.SampleEvery,
            interruptionMicroseconds = AllocatorTiming.InterruptionMicroseconds,
            timerCostNs = LatencyHistogram.TimerCostNanoseconds,
            warmUp = $"the verified replay through the host's guard, then untimed passes on fresh instances until {WorkloadComparison.WarmUpOperations:0} operations or {WorkloadComparison.WarmUpTime.TotalMilliseconds:0} ms",
            description = TimingMethod,
        },
        results = results.Select(r => new
        {
            allocator = r.Name, r.RegionSize, r.Operations, r.Requests, r.Satisfied, r.Failed, r.Frees, r.FreesOfFailedSkipped, r.ZeroSizeRequests,
            r.FirstFailure, r.PeakLiveBytes, r.PeakLiveOp, r.PeakFootprint, r.Utilisation, r.FragmentationMax, r.FragmentationMean,
            r.FragmentationSamples, r.InternalFragmentation, r.PeakRequestedBytes, r.Latency, timedPass = r.Timing is { } t ? new { t.Batches, t.Interrupted, t.ElapsedMeanNs, t.Failed } : null, r.TimingFault, r.ParseSeconds, r.WallSeconds, r.Fault, r.Refused,
            r.MinimumRegionSize, r.SearchProbes, r.SearchLimit,
        }),
    };

    private static string Rate(long ops, double seconds) =>
        seconds <= 0 ? "—" : (ops / seconds / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M";

    private static string Share(double part, double whole) =>
        whole <= 0 ? "—" : (part / whole * 100).ToString("0", CultureInfo.InvariantCulture) + " %";
}
