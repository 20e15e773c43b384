using Cma.Host.Workloads;

namespace Cma.Host.Reports;

/// <summary>What an HTML report shows: a title, notes, and one lane per allocator (compare) or region (replay).</summary>
/// <param name="Title">The page's heading.</param>
/// <param name="Notes">Lines under the heading (trace, skips, throughput).</param>
/// <param name="LaneKind">"allocator" or "region": what each lane is.</param>
/// <param name="Lanes">One result per allocator or region, each drawn as one chart (and its occupancy maps).</param>
internal sealed record ReportModel(string Title, IReadOnlyList<string> Notes, string LaneKind, IReadOnlyList<ReplayResult> Lanes);
