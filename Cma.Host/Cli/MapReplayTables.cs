using Cma.Host.Reports;
using Cma.Host.Workloads;
using Spectre.Console;

namespace Cma.Host.Cli;

/// <summary>The per-device and per-region tables of a replay through the map (<c>cma replay</c> and the main job);
/// the plain lines under them are <see cref="MapReplaySummary"/>. When some region is reusable the device table gains a
/// Movable column and the region table the migration columns (end minus start of each region's counters).</summary>
internal static class MapReplayTables
{
    /// <summary>Writes the per-device and per-region tables.</summary>
    public static void Write(IAnsiConsole console, string title, MapReplayResult result)
    {
        console.Write(Devices(title, result));
        console.Write(Regions(result));
    }

    private static Table Devices(string title, MapReplayResult result)
    {
        bool reusable = result.AnyReusable;
        var devices = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        devices.AddColumn("Device/type");
        devices.AddColumn(new TableColumn("Requests").RightAligned());
        if (reusable)
            devices.AddColumn(new TableColumn("Movable").RightAligned());
        devices.AddColumn(new TableColumn("Satisfied").RightAligned());
        devices.AddColumn(new TableColumn("Failed").RightAligned());
        devices.AddColumn("Placed in");
        devices.AddColumn(new TableColumn("Bytes placed").RightAligned());
        devices.AddColumn("First failure");
        foreach (DeviceReplayRow d in result.Devices)
        {
            long failed = d.Failed;
            string failedText = failed == 0 ? "[green]0[/]" : $"[red]{ReportFormat.N(failed)}[/]"
                + (d.NoMatchingRule > 0 ? $" ({ReportFormat.N(d.NoMatchingRule)} no rule)" : "")
                + (d.AllRegionsFenced > 0 ? $" ({ReportFormat.N(d.AllRegionsFenced)} fenced)" : "")
                + (d.Pinned > 0 ? $" ({ReportFormat.N(d.Pinned)} pinned)" : "")
                + (d.NoRoomToMigrate > 0 ? $" ({ReportFormat.N(d.NoRoomToMigrate)} no room to migrate)" : "")
                + (d.MoverFailed > 0 ? $" ({ReportFormat.N(d.MoverFailed)} mover failed)" : "");
            string placed = string.Join(", ", d.PlacedIn.Select(p => $"{p.Key} {ReportFormat.N(p.Value)}"));
            var cells = new List<string> { Markup.Escape(d.Type is null ? d.Device : d.Device + "/" + d.Type), ReportFormat.N(d.Requests) };
            if (reusable)
                cells.Add(ReportFormat.N(d.Movable));
            cells.AddRange([ReportFormat.N(d.Satisfied), failedText, Markup.Escape(placed), ReportFormat.Bytes(d.BytesPlaced),
                d.FirstFailureOp == 0 ? "—" : $"op {ReportFormat.N(d.FirstFailureOp)} (line {d.FirstFailureLine})"]);
            devices.AddRow(cells.ToArray());
        }
        return devices;
    }

    private static Table Regions(MapReplayResult result)
    {
        bool reusable = result.AnyReusable;
        var regions = new Table().Border(TableBorder.Rounded).Title("What the workload did to each region");
        regions.AddColumn("Region");
        regions.AddColumn(new TableColumn("Placed").RightAligned());
        regions.AddColumn(new TableColumn("Freed").RightAligned());
        regions.AddColumn(new TableColumn("Peak live").RightAligned());
        regions.AddColumn(new TableColumn("Peak footprint").RightAligned());
        regions.AddColumn(new TableColumn("Ext. frag. max / mean").RightAligned());
        if (reusable)
        {
            regions.AddColumn(new TableColumn("Migrations").RightAligned());
            regions.AddColumn(new TableColumn("Migrated").RightAligned());
            regions.AddColumn(new TableColumn("Discarded").RightAligned());
            regions.AddColumn(new TableColumn("Failed: pinned / no room").RightAligned());
        }
        for (int i = 0; i < result.Regions.Count; i++)
        {
            ReplayResult r = result.Regions[i];
            var cells = new List<string>
            {
                Markup.Escape(r.Name) + (r.Fault is null ? "" : " [red]fenced[/]"), ReportFormat.N(r.Satisfied), ReportFormat.N(r.Frees),
                $"{ReportFormat.Bytes(r.PeakLiveBytes)} of {ReportFormat.Bytes(r.RegionSize)}", ReportFormat.Bytes(r.PeakFootprint),
                ReportFormat.Percent(r.FragmentationMax) + " / " + ReportFormat.Percent(r.FragmentationMean),
            };
            if (reusable && i < result.Migration.Count)
            {
                RegionMigrationRow m = result.Migration[i];
                bool any = m.Reusable || m.Migrations > 0;
                cells.AddRange(any
                    ? [ReportFormat.N(m.Migrations), ReportFormat.Bytes(m.MigratedBytes), ReportFormat.N(m.DiscardedChunks),
                        $"{ReportFormat.N(m.BlockedByPins)} / {ReportFormat.N(m.BlockedNoRoom)}"]
                    : ["—", "—", "—", "—"]);
            }
            regions.AddRow(cells.ToArray());
        }
        return regions;
    }
}
