using Cma.Host.Workloads;
using Spectre.Console;
using static Cma.Host.Reports.ReportFormat;

namespace Cma.Host.Cli;

/// <summary>The table of <c>cma compare --layouts</c> (one row per memory layout), its notes and its JSON.</summary>
internal static class LayoutTable
{
    /// <summary>Writes the table.</summary>
    public static void Write(IAnsiConsole console, string title, IReadOnlyList<LayoutResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn("Layout");
        table.AddColumn(new TableColumn("Contiguous satisfied").RightAligned());
        table.AddColumn(new TableColumn("Memory needed").RightAligned());
        table.AddColumn(new TableColumn("Migrated").RightAligned());
        table.AddColumn(new TableColumn("Contiguous alloc p50 / p99").RightAligned());
        table.AddColumn(new TableColumn("Migrations per contiguous alloc").RightAligned());
        foreach (LayoutResult r in results)
        {
            string satisfied = $"{N(r.ContiguousSatisfied)} / {N(r.ContiguousRequests)} ({Percent(r.ContiguousSatisfiedFraction)})";
            table.AddRow(
                Markup.Escape(r.Name) + (r.Fault is null ? "" : " [red]fenced[/]"),
                r.ContiguousSatisfied == r.ContiguousRequests ? $"[green]{satisfied}[/]" : $"[red]{satisfied}[/]",
                Memory(r),
                Bytes(r.MigratedBytes),
                r.ContiguousLatency is { Operations: > 0 } l ? Nanos(l.P50Ns) + " / " + Nanos(l.P99Ns) : "—",
                r.MigrationsPerContiguous.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        }
        console.Write(table);
    }

    /// <summary>The memory a layout needs: the region, and for a carve-out the movable chunks' peak live bytes added.</summary>
    public static string Memory(LayoutResult r) => r.MovableNeed is ulong need
        ? $"{Bytes(r.MemoryNeeded)} ({Bytes(r.RegionSize)} + {Bytes(need)})"
        : Bytes(r.MemoryNeeded);

    /// <summary>Plain lines under the table: what each layout is, what the columns mean, and per layout its movable
    /// requests, migrations and discards.</summary>
    public static IEnumerable<string> Notes(IReadOnlyList<LayoutResult> results)
    {
        yield return "Layouts: reusable = one reusable region for both kinds (movable chunks migrate or are dropped for contiguous requests); "
            + "carve-out = the region for contiguous chunks only, movable chunks in a separate ordinary region; "
            + "shared without migration = one ordinary region for both kinds, movable chunks placed by the plugin and never moved.";
        yield return "Memory needed: the region; for the carve-out plus the peak of live movable bytes in its movable region (as placed, rounded to the granule). "
            + "Contiguous alloc: each contiguous allocation call timed with Stopwatch (less the timer's own cost), migrations it caused included.";
        foreach (LayoutResult r in results)
        {
            yield return $"{r.Name}: {N(r.MovableSatisfied)} of {Count(r.MovableRequests, "movable request")} placed; "
                + $"{Count(r.Migrations, "migration")} ({Bytes(r.MigratedBytes)}), {N(r.DiscardedChunks)} discarded; "
                + $"contiguous failures: {N(r.ContiguousRequests - r.ContiguousSatisfied)} ({N(r.BlockedByPins)} pinned, {N(r.BlockedNoRoom)} no room to migrate)"
                + (r.MovableRegionSize is ulong m ? $"; movable region {Bytes(m)}, movable peak footprint {Bytes(r.MovableFootprint ?? 0)}" : "")
                + $"; {Seconds(r.WallSeconds)} wall" + (r.Fault is null ? "" : $"; FENCED: {r.Fault}") + ".";
        }
    }

    /// <summary>The JSON document.</summary>
    public static object ToJson(TraceFile trace, string allocator, LayoutSettings settings, TraceProfile profile, IReadOnlyList<LayoutResult> results) => new
    {
        trace = trace.Path,
        format = trace.Format.ToString().ToLowerInvariant(),
        operations = profile.Operations,
        allocator,
        regionStart = settings.RegionStart,
        regionSize = settings.RegionSize,
        granule = settings.Granule,
        layouts = results.Select(r => new
        {
            layout = r.Name,
            r.RegionSize,
            r.MovableRegionSize,
            movableNeedPeakLiveBytes = r.MovableNeed,
            r.MovableFootprint,
            r.MemoryNeeded,
            r.ContiguousRequests,
            r.ContiguousSatisfied,
            contiguousSatisfiedPercent = r.ContiguousSatisfiedFraction * 100,
            r.MovableRequests,
            r.MovableSatisfied,
            r.Migrations,
            r.MigratedBytes,
            r.MigrationsPerContiguous,
            r.DiscardedChunks,
            r.BlockedByPins,
            r.BlockedNoRoom,
            contiguousLatency = r.ContiguousLatency,
            r.WallSeconds,
            r.Fault,
        }),
    };
}
