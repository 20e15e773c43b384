using Cma.Host.Reports;
using Cma.Host.Workloads;
using Spectre.Console;

namespace Cma.Host.Cli;

/// <summary>The per-device and per-region tables of a replay through the map (<c>cma replay</c> and the main job);
/// the plain lines under them are <see cref="MapReplaySummary"/>.</summary>
internal static class MapReplayTables
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
            string failedText = failed == 0 ? "[green]0[/]" : $"[red]{ReportFormat.N(failed)}[/]"
                + (d.NoMatchingRule > 0 ? $" ({ReportFormat.N(d.NoMatchingRule)} no rule)" : "")
                + (d.AllRegionsFenced > 0 ? $" ({ReportFormat.N(d.AllRegionsFenced)} fenced)" : "");
            string placed = string.Join(", ", d.PlacedIn.Select(p => $"{p.Key} {ReportFormat.N(p.Value)}"));
            devices.AddRow(Markup.Escape(d.Type is null ? d.Device : d.Device + "/" + d.Type), ReportFormat.N(d.Requests), ReportFormat.N(d.Satisfied),
                failedText, Markup.Escape(placed), ReportFormat.Bytes(d.BytesPlaced),
                d.FirstFailureOp == 0 ? "—" : $"op {ReportFormat.N(d.FirstFailureOp)} (line {d.FirstFailureLine})");
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
            regions.AddRow(Markup.Escape(r.Name) + (r.Fault is null ? "" : " [red]fenced[/]"), ReportFormat.N(r.Satisfied), ReportFormat.N(r.Frees),
                $"{ReportFormat.Bytes(r.PeakLiveBytes)} of {ReportFormat.Bytes(r.RegionSize)}", ReportFormat.Bytes(r.PeakFootprint),
                ReportFormat.Percent(r.FragmentationMax) + " / " + ReportFormat.Percent(r.FragmentationMean));
        }
        console.Write(regions);
    }
}
