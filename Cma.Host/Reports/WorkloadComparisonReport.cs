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
        yield return $"Timing: every operation is timed with Stopwatch, less the timer's own cost ({LatencyHistogram.TimerCostNanoseconds:0} ns a pair of reads, "
            + "measured at start); percentiles from a log-linear histogram (within ~3 %).";
        foreach (ReplayResult r in results)
        {
            if (r.Latency is { } l && r.Operations > 0)
            {
                yield return $"Replay {r.Name}: {ReportFormat.Seconds(r.WallSeconds)} wall, {Rate(r.Operations, r.WallSeconds)} ops/s; "
                    + $"{Share(l.TotalSeconds, r.WallSeconds)} of it in the allocator (with the host's checks), {Share(r.ParseSeconds, r.WallSeconds)} reading ops.";
            }
        }
    }

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
        results = results.Select(r => new
        {
            allocator = r.Name, r.RegionSize, r.Operations, r.Requests, r.Satisfied, r.Failed, r.Frees, r.FreesOfFailedSkipped, r.ZeroSizeRequests,
            r.FirstFailure, r.PeakLiveBytes, r.PeakLiveOp, r.PeakFootprint, r.Utilisation, r.FragmentationMax, r.FragmentationMean,
            r.FragmentationSamples, r.InternalFragmentation, r.PeakRequestedBytes, r.Latency, r.ParseSeconds, r.WallSeconds, r.Fault, r.Refused,
            r.MinimumRegionSize, r.SearchProbes, r.SearchLimit,
        }),
    };

    private static string Rate(long ops, double seconds) =>
        seconds <= 0 ? "—" : (ops / seconds / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M";

    private static string Share(double part, double whole) =>
        whole <= 0 ? "—" : (part / whole * 100).ToString("0", CultureInfo.InvariantCulture) + " %";
}
