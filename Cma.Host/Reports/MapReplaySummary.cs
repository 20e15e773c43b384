using System.Globalization;
using Cma.Host.Workloads;

namespace Cma.Host.Reports;

/// <summary>The plain lines under a replay through the map: totals, skips and throughput (under the console tables,
/// and as the HTML report's notes).</summary>
internal static class MapReplaySummary
{
    /// <summary>Plain lines: totals, skips and throughput.</summary>
    public static IEnumerable<string> Lines(MapReplayResult result)
    {
        long requests = result.Devices.Sum(d => d.Requests), satisfied = result.Devices.Sum(d => d.Satisfied);
        yield return $"Replayed {ReportFormat.Count(result.Operations, "operation")}: {ReportFormat.N(satisfied)} of {ReportFormat.Count(requests, "request")} satisfied, "
            + $"{ReportFormat.N(requests - satisfied)} failed; {ReportFormat.N(result.FreesOfFailedSkipped)} frees of failed requests skipped"
            + (result.ZeroSizeRequests > 0 ? $", {ReportFormat.N(result.ZeroSizeRequests)} zero-size requests replayed as one granule" : "") + ".";
        if (result.Trace is { } c && c.NullFreesSkipped + c.BadLinesSkipped + c.LivePointersReused > 0)
            yield return $"Trace: {ReportFormat.N(c.NullFreesSkipped)} free(NULL)/not-live frees skipped, {ReportFormat.N(c.BadLinesSkipped)} bad lines skipped, {ReportFormat.N(c.LivePointersReused)} pointers reused while live.";
        if (result.Movable.Requests > 0 || result.AnyReusable)
            yield return Movable(result);
        double rate = result.WallSeconds <= 0 ? 0 : result.Operations / result.WallSeconds;
        yield return $"Time: {ReportFormat.Seconds(result.WallSeconds)} wall ({rate.ToString("N0", CultureInfo.InvariantCulture)} ops/s), "
            + $"{ReportFormat.Seconds(result.ServiceSeconds)} in the host API and plugins (timer cost taken off), {ReportFormat.Seconds(result.ParseSeconds)} reading the trace.";
    }

    /// <summary>The line on movable chunks, pins and migrations.</summary>
    private static string Movable(MapReplayResult result)
    {
        MovableReplayCounters m = result.Movable;
        long migrations = result.Migration.Sum(r => r.Migrations), discarded = result.Migration.Sum(r => r.DiscardedChunks);
        ulong migrated = result.Migration.Aggregate(0UL, (sum, r) => sum + r.MigratedBytes);
        return $"Movable: {ReportFormat.N(m.Satisfied)} of {ReportFormat.Count(m.Requests, "request")} placed ({ReportFormat.N(m.DiscardableRequests)} discardable); "
            + $"{ReportFormat.Count(m.Pins, "pin")} ({ReportFormat.N(m.LongTermPins)} long-term), {ReportFormat.Count(m.Unpins, "unpin")}; "
            + $"{ReportFormat.Count(migrations, "migration")} ({ReportFormat.Bytes(migrated)}), {ReportFormat.N(discarded)} discarded "
            + $"({ReportFormat.N(m.PinsOfDiscarded)} pins and {ReportFormat.N(m.FreesOfDiscarded)} frees of discarded chunks counted)"
            + (m.MoverMoves > 0 ? $"; {ReportFormat.Count(m.MoverMoves, "move")} ({ReportFormat.Bytes(m.MoverBytes)}) reported to the replay's mover" : "")
            + (m.PinsOfFailedSkipped > 0 ? $"; {ReportFormat.N(m.PinsOfFailedSkipped)} pins/unpins of failed requests skipped" : "") + ".";
    }
}
