using System.Globalization;
using Spectre.Console;

namespace Cma.Host.Workloads;

/// <summary>The tables and plain summary of a replay through the map (<c>cma replay</c> and the main job).</summary>
internal static class MapReplayView
{
    /// <summary>Writes the per-device and per-region tables.</summary>
    public static void Write(IAnsiConsole console, string title, MapReplayResult result)
    {
        var devices = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        devices.AddColumn("Device/type");
        devices.AddColumn(new TableColumn("Requests").RightAligned());
        devices.AddColumn(new TableColumn("Satisfied").RightAligned());
        devices.AddColumn(new TableColumn("Failed").RightAligned());
        devices.AddColumn("Placed in");
        devices.AddColumn(new TableColumn("Bytes placed").RightAligned());
        devices.AddColumn("First failure");
        foreach (DeviceReplayRow d in result.Devices)
        {
            long failed = d.NoSpace + d.NoMatchingRule + d.AllRegionsFenced;
            string failedText = failed == 0 ? "[green]0[/]" : $"[red]{ComparisonTable.N(failed)}[/]"
                + (d.NoMatchingRule > 0 ? $" ({ComparisonTable.N(d.NoMatchingRule)} no rule)" : "")
                + (d.AllRegionsFenced > 0 ? $" ({ComparisonTable.N(d.AllRegionsFenced)} fenced)" : "");
            string placed = string.Join(", ", d.PlacedIn.Select(p => $"{p.Key} {ComparisonTable.N(p.Value)}"));
            devices.AddRow(Markup.Escape(d.Type is null ? d.Device : d.Device + "/" + d.Type), ComparisonTable.N(d.Requests), ComparisonTable.N(d.Satisfied),
                failedText, Markup.Escape(placed), ComparisonTable.Bytes(d.BytesPlaced),
                d.FirstFailureOp == 0 ? "—" : $"op {ComparisonTable.N(d.FirstFailureOp)} (line {d.FirstFailureLine})");
        }
        console.Write(devices);

        var regions = new Table().Border(TableBorder.Rounded).Title("What the workload did to each region");
        regions.AddColumn("Region");
        regions.AddColumn(new TableColumn("Placed").RightAligned());
        regions.AddColumn(new TableColumn("Freed").RightAligned());
        regions.AddColumn(new TableColumn("Peak live").RightAligned());
        regions.AddColumn(new TableColumn("Peak footprint").RightAligned());
        regions.AddColumn(new TableColumn("Ext. frag. max / mean").RightAligned());
        foreach (ReplayResult r in result.Regions)
        {
            regions.AddRow(Markup.Escape(r.Allocator) + (r.Fault is null ? "" : " [red]fenced[/]"), ComparisonTable.N(r.Satisfied), ComparisonTable.N(r.Frees),
                $"{ComparisonTable.Bytes(r.PeakLiveBytes)} of {ComparisonTable.Bytes(r.RegionSize)}", ComparisonTable.Bytes(r.PeakFootprint),
                ComparisonTable.Percent(r.FragmentationMax) + " / " + ComparisonTable.Percent(r.FragmentationMean));
        }
        console.Write(regions);
    }

    /// <summary>Plain lines: totals, skips and throughput.</summary>
    public static IEnumerable<string> Summary(MapReplayResult result)
    {
        long requests = result.Devices.Sum(d => d.Requests), satisfied = result.Devices.Sum(d => d.Satisfied);
        yield return $"Replayed {ComparisonTable.Count(result.Operations, "operation")}: {ComparisonTable.N(satisfied)} of {ComparisonTable.Count(requests, "request")} satisfied, "
            + $"{ComparisonTable.N(requests - satisfied)} failed; {ComparisonTable.N(result.FreesOfFailedSkipped)} frees of failed requests skipped"
            + (result.ZeroSizeRequests > 0 ? $", {ComparisonTable.N(result.ZeroSizeRequests)} zero-size requests replayed as one granule" : "") + ".";
        if (result.Trace is { } c && c.NullFreesSkipped + c.BadLinesSkipped + c.LivePointersReused > 0)
            yield return $"Trace: {ComparisonTable.N(c.NullFreesSkipped)} free(NULL)/not-live frees skipped, {ComparisonTable.N(c.BadLinesSkipped)} bad lines skipped, {ComparisonTable.N(c.LivePointersReused)} pointers reused while live.";
        double rate = result.WallSeconds <= 0 ? 0 : result.Operations / result.WallSeconds;
        yield return $"Time: {ComparisonTable.Seconds(result.WallSeconds)} wall ({rate.ToString("N0", CultureInfo.InvariantCulture)} ops/s), "
            + $"{ComparisonTable.Seconds(result.ServiceSeconds)} in the host API and plugins, {ComparisonTable.Seconds(result.ParseSeconds)} reading the trace.";
    }
}
