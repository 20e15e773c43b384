using System.Globalization;
using System.Net;
using System.Text;
using Cma.Host.Workloads;

namespace Cma.Host.Reports;

/// <summary>
/// Plain SVG, drawn by hand so the report needs no script and no network: a time chart per lane (live bytes as a blue
/// area against the region size, external fragmentation as a red line against 0–100 %, failures as red ticks) and an
/// occupancy map (the region folded into 1,024 cells in address order, 64 a row, each shaded by how much of it live
/// chunks cover).
/// </summary>
internal static class SvgCharts
{
    /// <summary>The time charts' size and margins in pixels (the plot area is what the margins leave).</summary>
    private const int Width = 960, Height = 240, Left = 70, Right = 56, Top = 14, Bottom = 34;

    /// <summary>The time chart of one lane.</summary>
    /// <param name="lane">The allocator's or region's result.</param>
    /// <param name="totalOps">The x axis's end: the longest lane's operations, so that every chart shares one scale.</param>
    public static string TimeChart(ReplayResult lane, long totalOps)
    {
        var svg = new StringBuilder();
        int w = Width - Left - Right, h = Height - Top - Bottom;
        double ops = Math.Max(1, Math.Max(totalOps, lane.Operations));
        double bytes = Math.Max(1, lane.RegionSize);
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" data-lane=\"{Enc(lane.Name)}\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Enc(lane.Name)}: live bytes and external fragmentation over the replay</title>");
        for (int i = 0; i <= 4; i++)
        {
            double y = Top + h - h * i / 4.0;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + w}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" class=\"grid\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" class=\"axis live\" text-anchor=\"end\">{Enc(CmaSize.FormatApproximate((ulong)(bytes * i / 4)))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + w + 6}\" y=\"{y + 4:0.#}\" class=\"axis frag\">{i * 25} %</text>");
            double x = Left + w * i / 4.0;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{Height - 14}\" class=\"axis\" text-anchor=\"middle\">{Enc(ReportFormat.N((long)(ops * i / 4)))}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + w / 2}\" y=\"{Height - 1}\" class=\"axis\" text-anchor=\"middle\">operation</text>");
        if (lane.Series.Count > 0)
        {
            var area = new StringBuilder();
            var frag = new StringBuilder();
            var foot = new StringBuilder();
            area.Append(CultureInfo.InvariantCulture, $"M{Left},{Top + h} ");
            foreach (SeriesPoint p in lane.Series)
            {
                double x = Left + w * (p.FirstOp - 1 + p.Ops / 2.0) / ops;
                area.Append(CultureInfo.InvariantCulture, $"L{x:0.##},{Top + h - h * Math.Min(1, p.LiveBytesMax / bytes):0.##} ");
                frag.Append(CultureInfo.InvariantCulture, $"{x:0.##},{Top + h - h * p.FragmentationMax:0.##} ");
                foot.Append(CultureInfo.InvariantCulture, $"{x:0.##},{Top + h - h * Math.Min(1, p.FootprintMax / bytes):0.##} ");
            }
            SeriesPoint last = lane.Series[^1];
            area.Append(CultureInfo.InvariantCulture, $"L{Left + w * (last.FirstOp - 1 + last.Ops) / ops:0.##},{Top + h} Z");
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{area}\" class=\"live\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{foot}\" class=\"foot\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{frag}\" class=\"frag\"/>");
        }
        foreach (long op in lane.FailureOps)
        {
            double x = Left + w * (op - 0.5) / ops;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.##}\" x2=\"{x:0.##}\" y1=\"{Top + h}\" y2=\"{Top + h + 7}\" class=\"fail\"/>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{w}\" height=\"{h}\" class=\"frame\"/>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Colours of the lanes in the overview, in lane order (repeating).</summary>
    private static readonly string[] s_laneColours = ["#2c5fa8", "#c0392b", "#1e8449", "#8e44ad", "#d35400", "#16a085"];

    /// <summary>The colour of lane <paramref name="index"/> in the overview.</summary>
    public static string LaneColour(int index) => s_laneColours[index % s_laneColours.Length];

    /// <summary>External fragmentation (mean per point) of every lane on one chart, one coloured line each.</summary>
    public static string Overview(IReadOnlyList<ReplayResult> lanes, long totalOps)
    {
        var svg = new StringBuilder();
        int w = Width - Left - Right, h = Height - Top - Bottom;
        double ops = Math.Max(1, totalOps);
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"overview\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\">");
        svg.Append("<title>External fragmentation over the replay, every lane</title>");
        for (int i = 0; i <= 4; i++)
        {
            double y = Top + h - h * i / 4.0;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + w}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" class=\"grid\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" class=\"axis\" text-anchor=\"end\">{i * 25} %</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + w * i / 4.0:0.#}\" y=\"{Height - 14}\" class=\"axis\" text-anchor=\"middle\">{Enc(ReportFormat.N((long)(ops * i / 4)))}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + w / 2}\" y=\"{Height - 1}\" class=\"axis\" text-anchor=\"middle\">operation</text>");
        for (int l = 0; l < lanes.Count; l++)
        {
            var line = new StringBuilder();
            foreach (SeriesPoint p in lanes[l].Series)
                line.Append(CultureInfo.InvariantCulture, $"{Left + w * (p.FirstOp - 1 + p.Ops / 2.0) / ops:0.##},{Top + h - h * p.FragmentationMean:0.##} ");
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{line}\" fill=\"none\" stroke=\"{LaneColour(l)}\" stroke-width=\"1.4\"/>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{w}\" height=\"{h}\" class=\"frame\"/>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The occupancy map of one moment.</summary>
    public static string OccupancyMap(OccupancyMap map)
    {
        const int Columns = 64, Cell = 6, Gap = 1;  // 1,024 cells → 16 rows of 64, 448 × 112 px
        int rows = (map.Cells.Length + Columns - 1) / Columns;
        int width = Columns * (Cell + Gap), height = rows * (Cell + Gap);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"occupancy\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>Occupancy at {Enc(map.What)} (op {map.Op}): each cell is 1/{map.Cells.Length} of the region</title>");
        for (int i = 0; i < map.Cells.Length; i++)
        {
            double f = map.Cells[i];
            int x = i % Columns * (Cell + Gap), y = i / Columns * (Cell + Gap);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{Cell}\" height=\"{Cell}\" fill=\"{Shade(f)}\"/>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Free cells pale, full cells deep blue, partly used cells in between.</summary>
    private static string Shade(double fraction)
    {
        (int r0, int g0, int b0) = (0xEE, 0xF1, 0xF5);
        (int r1, int g1, int b1) = (0x1F, 0x4E, 0xA8);
        int r = (int)(r0 + (r1 - r0) * fraction), g = (int)(g0 + (g1 - g0) * fraction), b = (int)(b0 + (b1 - b0) * fraction);
        return $"#{r:X2}{g:X2}{b:X2}";
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
