using Cma.Host.Workloads;
using Spectre.Console;
using static Cma.Host.Reports.ReportFormat;

namespace Cma.Host.Cli;

/// <summary>The side-by-side table of <c>cma compare</c> (one column per allocator) and its plain summary lines.</summary>
internal static class ComparisonTable
{
    /// <summary>Writes the table.</summary>
    public static void Write(IAnsiConsole console, string title, IReadOnlyList<ReplayResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn("");
        foreach (ReplayResult r in results)
            table.AddColumn(new TableColumn($"[bold]{Markup.Escape(r.Name)}[/]").RightAligned());
        Row(table, "region", results, r => CmaSize.FormatApproximate(r.RegionSize));
        Row(table, "requests satisfied", results, r => N(r.Satisfied) + " / " + N(r.Requests));
        Row(table, "requests failed", results, r => r.Fault is not null ? $"[red]{N(r.Failed)}, then fenced[/]" : r.Failed == 0 ? "[green]0[/]" : $"[red]{N(r.Failed)}[/]");
        Row(table, "first failure", results, r => r.FirstFailure is { } f
            ? $"line {N(f.Line)} (op {N(f.Op)}): {Bytes(f.Size)}\nlive {Bytes(f.LiveBytes)}, free {Bytes(f.FreeBytes)}\nlargest free {Bytes(f.LargestFreeBlock)}"
            : "—");
        Row(table, "peak live bytes", results, r => Bytes(r.PeakLiveBytes));
        Row(table, "peak footprint", results, r => Bytes(r.PeakFootprint));
        Row(table, "utilisation (live / footprint)", results, r => Percent(r.Utilisation));
        Row(table, "external fragmentation max / mean", results, r => Percent(r.FragmentationMax) + " / " + Percent(r.FragmentationMean));
        Row(table, "internal fragmentation at peak", results, r => Percent(r.InternalFragmentation));
        Row(table, "time per op mean (batches)", results, r => r.Latency is { } l ? $"[bold]{Nanos(l.MeanNs)}[/]" : "—");
        Row(table, $"time per op p50 / p99 (1 op in {AllocatorTiming.SampleEvery})", results, r => r.Latency is { Samples: > 0 } l ? Nanos(l.P50Ns) + " / " + Nanos(l.P99Ns) : "—");
        Row(table, "time per op max (of those)", results, r => r.Latency is { Samples: > 0 } l ? Nanos(l.MaxNs) : "—");
        Row(table, "allocator time total", results, r => r.Latency is { } l ? Seconds(l.TotalSeconds) : "—");
        if (results.Any(r => r.SearchLimit > 0))
        {
            Row(table, "minimum region size", results, r => r.MinimumRegionSize is ulong m
                ? $"[bold]{Bytes(m)}[/]\n({CmaSize.Format(m)}, {Count(r.SearchProbes, "probe")})"
                : $"[red]none[/] up to {Bytes(r.SearchLimit)}\n({Count(r.SearchProbes, "probe")})");
        }
        if (results.Any(r => r.Fault is not null))
            Row(table, "fault", results, r => r.Fault is null ? "—" : (r.Refused ? "[yellow]refused the region[/]: " : "[red]fenced[/]: ") + Markup.Escape(r.Fault));
        console.Write(table);
    }

    /// <summary>One plain line per allocator, for logs and redirected output.</summary>
    public static IEnumerable<string> Summary(IReadOnlyList<ReplayResult> results)
    {
        foreach (ReplayResult r in results)
        {
            string line = $"{r.Name}: {N(r.Satisfied)}/{N(r.Requests)} satisfied, {N(r.Failed)} failed"
                + (r.FirstFailure is { } f ? $" (first at line {N(f.Line)}, op {N(f.Op)}, largest free {Bytes(f.LargestFreeBlock)})" : "")
                + $"; peak live {Bytes(r.PeakLiveBytes)}, footprint {Bytes(r.PeakFootprint)}, ext. frag. max {Percent(r.FragmentationMax)}"
                + (r.Latency is { } l ? $", {Nanos(l.MeanNs)}/op mean, p50 {Nanos(l.P50Ns)}" : "")
                + (r.SearchLimit > 0 ? $", minimum region {(r.MinimumRegionSize is ulong m ? CmaSize.Format(m) : "none up to " + Bytes(r.SearchLimit))}" : "")
                + (r.Fault is null ? "" : r.Refused ? $"; refused the region: {r.Fault}" : $"; FENCED: {r.Fault}");
            yield return line;
        }
    }

    private static void Row(Table table, string label, IReadOnlyList<ReplayResult> results, Func<ReplayResult, string> cell)
    {
        var cells = new List<string>(results.Count + 1) { label };
        foreach (ReplayResult r in results)
            cells.Add(r.Fault is not null && r.Operations == 0 && label != "fault" && label != "region" ? "—" : cell(r));
        table.AddRow(cells.ToArray());
    }
}
