using System.Net;
using System.Text;
using Cma.Host.Workloads;

namespace Cma.Host.Reports;

/// <summary>
/// Writes one self-contained HTML file (inline CSS and SVG, no script, no network): the title and notes, a summary table,
/// then per allocator (compare) or region (replay) a chart of live bytes and external fragmentation over the run and the
/// occupancy maps at peak load and at the first failure.
/// </summary>
internal static class HtmlReport
{
    /// <summary>The model of a comparison.</summary>
    public static ReportModel ForComparison(WorkloadComparisonReport report) =>
        new("cma compare — " + report.Title, [.. report.Notes()], "allocator", report.Results);

    /// <summary>The model of a replay through the map.</summary>
    public static ReportModel ForReplay(TraceFile trace, MapReplayResult result) =>
        new($"cma replay — {trace.Name} through the map", [.. MapReplaySummary.Lines(result)], "region", result.Regions);

    /// <summary>The page.</summary>
    public static string Render(ReportModel model)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/><title>").Append(Enc(model.Title)).Append("</title><style>")
            .Append(Css).Append("</style></head><body><h1>").Append(Enc(model.Title)).Append("</h1>");
        foreach (string note in model.Notes)
            html.Append("<p class=\"note\">").Append(Enc(note)).Append("</p>");
        html.Append("<p class=\"legend\"><span class=\"k live\"></span>live bytes (left axis, up to the region size) ")
            .Append("<span class=\"k foot\"></span>footprint: highest end address touched ")
            .Append("<span class=\"k frag\"></span>external fragmentation 1 − largest free / free (right axis) ")
            .Append("<span class=\"k fail\"></span>failed request</p>");
        SummaryTable(html, model);
        long totalOps = 0;
        foreach (ReplayResult lane in model.Lanes)
            totalOps = Math.Max(totalOps, lane.Operations);
        if (model.Lanes.Count > 1)
        {
            html.Append("<h2>External fragmentation, every ").Append(Enc(model.LaneKind)).Append("</h2><p class=\"legend\">");
            for (int i = 0; i < model.Lanes.Count; i++)
                html.Append("<span class=\"k\" style=\"border-top:3px solid ").Append(SvgCharts.LaneColour(i)).Append(";height:0\"></span>").Append(Enc(model.Lanes[i].Name));
            html.Append(" — mean of 1 − largest free / free per point</p>").Append(SvgCharts.Overview(model.Lanes, totalOps));
        }
        foreach (ReplayResult lane in model.Lanes)
        {
            html.Append("<section class=\"lane\"><h2>").Append(Enc(lane.Name)).Append("</h2><p class=\"facts\">")
                .Append(Enc(Facts(lane))).Append("</p>");
            if (lane.Fault is not null)
                html.Append("<p class=\"fault\">").Append(lane.Refused ? "Refused the region: " : "Fenced: ").Append(Enc(lane.Fault)).Append("</p>");
            html.Append(SvgCharts.TimeChart(lane, totalOps));
            if (lane.Occupancy.Count > 0)
            {
                html.Append("<div class=\"maps\">");
                foreach (OccupancyMap map in lane.Occupancy)
                {
                    html.Append("<figure>").Append(SvgCharts.OccupancyMap(map)).Append("<figcaption><b>").Append(Enc(map.What)).Append("</b> (op ")
                        .Append(ReportFormat.N(map.Op)).Append("): ").Append(ReportFormat.N(map.Chunks)).Append(" chunks, live ")
                        .Append(Enc(ReportFormat.Bytes(map.LiveBytes))).Append(", free ").Append(Enc(ReportFormat.Bytes(map.FreeBytes)))
                        .Append(" in ").Append(ReportFormat.N((long)map.FreeBlocks)).Append(" blocks, largest ")
                        .Append(Enc(ReportFormat.Bytes(map.LargestFreeBlock))).Append(". Each cell is 1/").Append(map.Cells.Length)
                        .Append(" of the region (").Append(Enc(ReportFormat.Bytes(map.RegionSize / (ulong)map.Cells.Length))).Append("), darker = fuller.</figcaption></figure>");
                }
                html.Append("</div>");
            }
            html.Append("</section>");
        }
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void SummaryTable(StringBuilder html, ReportModel model)
    {
        html.Append("<table><thead><tr><th>").Append(Enc(model.LaneKind)).Append("</th><th>satisfied</th><th>failed</th><th>first failure</th>")
            .Append("<th>peak live</th><th>peak footprint</th><th>ext. frag. max / mean</th><th>int. frag.</th><th>time/op mean (p50 / p99)</th><th>min region</th></tr></thead><tbody>");
        foreach (ReplayResult r in model.Lanes)
        {
            html.Append("<tr><td>").Append(Enc(r.Name)).Append("</td><td>").Append(ReportFormat.N(r.Satisfied)).Append("</td><td class=\"")
                .Append(r.Failed > 0 || r.Fault is not null ? "bad" : "good").Append("\">").Append(ReportFormat.N(r.Failed))
                .Append(r.Fault is null ? "" : r.Refused ? " (refused the region)" : " (fenced)").Append("</td><td class=\"wrap\">")
                .Append(r.FirstFailure is { } f ? Enc($"line {ReportFormat.N(f.Line)} (op {ReportFormat.N(f.Op)}): {ReportFormat.Bytes(f.Size)}, largest free {ReportFormat.Bytes(f.LargestFreeBlock)}") : "—")
                .Append("</td><td>").Append(Enc(ReportFormat.Bytes(r.PeakLiveBytes))).Append("</td><td>").Append(Enc(ReportFormat.Bytes(r.PeakFootprint)))
                .Append("</td><td>").Append(Enc(ReportFormat.Percent(r.FragmentationMax) + " / " + ReportFormat.Percent(r.FragmentationMean)))
                .Append("</td><td>").Append(Enc(ReportFormat.Percent(r.InternalFragmentation))).Append("</td><td>")
                .Append(r.Latency is { } l ? Enc($"{ReportFormat.Nanos(l.MeanNs)} ({ReportFormat.Nanos(l.P50Ns)} / {ReportFormat.Nanos(l.P99Ns)})") : "—").Append("</td><td>")
                .Append(r.MinimumRegionSize is ulong m ? Enc(ReportFormat.Bytes(m)) : r.SearchLimit > 0 ? "none up to " + Enc(ReportFormat.Bytes(r.SearchLimit)) : "—")
                .Append("</td></tr>");
        }
        html.Append("</tbody></table>");
    }

    private static string Facts(ReplayResult r) =>
        $"{ReportFormat.Bytes(r.RegionSize)} region, {ReportFormat.Count(r.Operations, "operation")}, {ReportFormat.N(r.Satisfied)} placed, "
        + $"{ReportFormat.N(r.Failed)} failed, peak live {ReportFormat.Bytes(r.PeakLiveBytes)}, utilisation {ReportFormat.Percent(r.Utilisation)}.";

    private static string Enc(string s) => WebUtility.HtmlEncode(s);

    /// <summary>The page's whole style sheet, inlined so the file stands alone.</summary>
    private const string Css =
        "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px 32px;color:#1d2733;background:#fff;max-width:1100px}"
        + "h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:28px 0 4px}.note{margin:2px 0;color:#4a5563}"
        + "table{border-collapse:collapse;margin:16px 0;font-size:13px}th,td{border-bottom:1px solid #dde3ea;padding:4px 10px;text-align:right;white-space:nowrap}td.wrap{white-space:normal}"
        + "th:first-child,td:first-child{text-align:left}th{background:#f3f6f9}td.bad{color:#c0392b;font-weight:600}td.good{color:#1e8449}"
        + ".facts{color:#4a5563;margin:0 0 6px}.fault{color:#c0392b;font-weight:600}"
        + "svg .grid{stroke:#e6eaef}svg .frame{fill:none;stroke:#b8c2cc}svg .axis{font-size:11px;fill:#6b7684}svg .axis.live{fill:#2c5fa8}svg .axis.frag{fill:#c0392b}"
        + "svg path.live{fill:#9cb9e6;fill-opacity:.75;stroke:#2c5fa8;stroke-width:1}svg .frag{fill:none;stroke:#c0392b;stroke-width:1.3}"
        + "svg .foot{fill:none;stroke:#2c5fa8;stroke-dasharray:4 3;stroke-width:1}svg .fail{stroke:#c0392b;stroke-width:1.5}"
        + ".maps{display:flex;flex-wrap:wrap;gap:24px}figure{margin:8px 0;max-width:448px}figcaption{font-size:12px;color:#4a5563}"
        + ".legend{font-size:12px;color:#4a5563}.k{display:inline-block;width:18px;height:10px;margin:0 4px 0 12px;vertical-align:middle}"
        + ".k.live{background:#9cb9e6;border:1px solid #2c5fa8}.k.foot{border-top:2px dashed #2c5fa8;height:0}.k.frag{border-top:2px solid #c0392b;height:0}.k.fail{border-left:2px solid #c0392b;height:10px;width:0}";
}
