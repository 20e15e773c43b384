using System.CommandLine;
using System.Text.Json;
using Cma.Runtime.Configuration;
using Cma.Runtime.Mapping;
using Spectre.Console;

namespace Cma.Host.Cli;

/// <summary><c>cma info</c>: the regions (name, range, size, allocator, state, chunks, free, largest free) and the map;
/// with <c>--device</c> (and <c>--type</c>) what that device reaches, as the RFC's cma_info.</summary>
internal static class InfoCommand
{
    public static Command Build(CliConsole console)
    {
        Option<bool> json = CliOptions.Json();
        Option<string?> device = new("--device") { Description = "Show what this device reaches through the map.", HelpName = "NAME" };
        Option<string?> type = new("--type") { Description = "The device's type (default: common).", HelpName = "TYPE" };
        Option<bool> chunks = new("--chunks") { Description = "Also list every live chunk (address, size, requested size, owner, kind, pins); with --json, the host's whole state." };
        var command = new Command("info", "Show the configured regions, their allocators and state, and the map.") { device, type, json, chunks };
        command.SetAction(parse => Run(parse, console, parse.GetValue(device), parse.GetValue(type), parse.GetValue(json), parse.GetValue(chunks)));
        return command;
    }

    public static int Run(ParseResult parse, CliConsole console, string? device, string? type, bool json, bool chunks = false)
    {
        if (type is not null && device is null)
            throw new CliExitException(2, "cma info: --type needs --device (e.g. --device camera --type preview).");
        using HostLoader host = HostLoader.LoadPlugins(parse, console);
        CmaService service = host.BuildService(parse);
        CmaInfo? info = null;
        bool matched = device is null || service.TryGetInfo(device, type, out info) == CmaOutcome.Ok;
        CmaState? state = chunks ? service.CaptureState() : null;
        if (json && state is not null)
        {
            // The state document itself (what replay --save-snapshot writes), so that replay --from-snapshot reads it.
            using var bytes = new MemoryStream();
            state.WriteJson(bytes);
            console.Output.WriteLine(System.Text.Encoding.UTF8.GetString(bytes.ToArray()));
            return 0;
        }
        if (json)
        {
            var doc = new
            {
                config = host.ConfigPath,
                regions = service.GetRegions(),
                map = service.Map.Rules.Select(r => r.ToString()),
                device = device is null ? null : new { name = device, type = type ?? DeviceMap.CommonType, matched, info },
            };
            console.Output.WriteLine(JsonSerializer.Serialize(doc, CliJson.Options));
            return 0;
        }
        WriteRegions(console, service.GetRegions(), host.ConfigPath);
        if (state is not null)
            WriteChunks(console, state);
        console.Ansi.WriteLine();
        console.Ansi.MarkupLine("[bold]Map[/] (first matching rule wins; regions are tried in order):");
        foreach (MapRule rule in service.Map.Rules)
            console.Ansi.MarkupLine("  " + Markup.Escape(rule.ToString()));
        if (device is not null)
        {
            console.Ansi.WriteLine();
            string who = $"{device}/{type ?? DeviceMap.CommonType}";
            if (info is null)
                console.Ansi.MarkupLine($"[yellow]{Markup.Escape(who)}[/]: no map rule matches (allocations would fail with NoMatchingRule).");
            else
                console.Ansi.MarkupLine($"[bold]{Markup.Escape(who)}[/] → " + Markup.Escape($"{string.Join(", ", info.Regions)}: "
                    + $"[0x{info.LowerBound:X}, 0x{info.UpperBound:X}), total {CmaSize.FormatApproximate(info.TotalSize)}, "
                    + $"free {CmaSize.FormatApproximate(info.FreeSize)}, {info.Count} region(s)"));
        }
        return 0;
    }

    /// <summary>Every region's live chunks, one line each.</summary>
    private static void WriteChunks(CliConsole console, CmaState state)
    {
        foreach (CmaRegionState region in state.Regions)
        {
            console.Ansi.WriteLine();
            console.Ansi.MarkupLine($"[bold]{Markup.Escape(region.Region.Name)}[/]: {region.Chunks.Count} chunk(s)");
            foreach (CmaChunkState c in region.Chunks)
            {
                string kind = c.Kind == CmaChunkKind.Contiguous ? "" : $" {c.Kind.ToString().ToLowerInvariant()}{(c.Pins > 0 ? $", {c.Pins} pin(s)" : "")}";
                console.Ansi.MarkupLine(Markup.Escape($"  0x{c.Address:X}  {CmaSize.FormatApproximate(c.Size),9}  (asked {c.Requested})  {(c.Owner.Length == 0 ? "-" : c.Owner)}{kind}"));
            }
        }
    }

    /// <summary>The columns of movable chunks, shown when some region is reusable or holds movable chunks.</summary>
    private static void AddMovableColumns(Table table)
    {
        table.AddColumn(new TableColumn("Contiguous").RightAligned());
        table.AddColumn(new TableColumn("Movable").RightAligned());
        table.AddColumn(new TableColumn("Pinned").RightAligned());
        table.AddColumn(new TableColumn("Migrated").RightAligned());
        table.AddColumn(new TableColumn("Discarded").RightAligned());
    }

    /// <summary>A region's movable cells: contiguous chunks, movable chunks (bytes), pinned, moves (bytes), discarded.</summary>
    private static string[] MovableCells(CmaRegionSnapshot r) =>
    [
        Count(r.ContiguousChunks),
        $"{Count(r.MovableChunks)} ({CmaSize.FormatApproximate(r.MovableBytes)})",
        Count(r.PinnedChunks),
        $"{Count(r.Migrations)} ({CmaSize.FormatApproximate(r.MigratedBytes)})",
        Count(r.DiscardedChunks),
    ];

    private static string Count(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The region table, shared with the main job and replay.</summary>
    public static void WriteRegions(CliConsole console, IReadOnlyList<CmaRegionSnapshot> regions, string? configPath)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.Title = new TableTitle(configPath is null ? "Regions" : $"Regions ({Markup.Escape(configPath)})");
        table.AddColumn("Region");
        table.AddColumn("Range");
        table.AddColumn(new TableColumn("Size").RightAligned());
        table.AddColumn("Allocator");
        table.AddColumn("State");
        table.AddColumn(new TableColumn("Chunks").RightAligned());
        table.AddColumn(new TableColumn("Free").RightAligned());
        table.AddColumn(new TableColumn("Largest free").RightAligned());
        bool reusable = regions.Any(r => r.Reusable || r.MovableChunks > 0);
        if (reusable)
            AddMovableColumns(table);
        foreach (CmaRegionSnapshot r in regions)
        {
            string state = r.State == RegionState.Active ? "[green]active[/]" : $"[red]fenced[/]: {Markup.Escape(r.FenceReason ?? "")}";
            // A backed region's range is where its memory is mapped in this process, not a planning address.
            string range = $"0x{r.Start:X}–0x{r.End:X}" + (r.Backing == CmaBacking.None ? "" : $"\n[dim]{r.Backing.ToString().ToLowerInvariant()}: base = mapping address[/]");
            string[] cells = [Markup.Escape(r.Name) + (r.Reusable ? "\n[dim]reusable[/]" : ""), range, CmaSize.FormatApproximate(r.Size), Markup.Escape(r.Allocator), state,
                Count(r.Chunks), CmaSize.FormatApproximate(r.FreeBytes), CmaSize.FormatApproximate(r.LargestFreeBlock)];
            table.AddRow(reusable ? [.. cells, .. MovableCells(r)] : cells);
        }
        console.Ansi.Write(table);
    }
}
