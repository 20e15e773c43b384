namespace Cma.Runtime.Configuration;

/// <summary>
/// Places regions and checks that they fit together: a region without a Start goes after the previous region's
/// end (the first at the placement base), aligned up to its alignment; no region may run past 2^64 - 1; no two
/// regions may overlap, whether they were placed or given a Start. Backed regions (Backing Native, File or Shared)
/// take no part: their addresses are their mappings', so they get Start 0 here and do not move the placement cursor.
/// Placement is one pass in configuration order; the overlap check sorts the placed regions by start once and sweeps,
/// so the whole is O(n log n).
/// </summary>
internal static class RegionLayout
{
    /// <summary>Places <paramref name="regions"/> in order; records every problem; returns the regions that could be
    /// placed (backed ones included), in configuration order (the map's default fallback order).</summary>
    public static List<RegionOptions> Place(IReadOnlyList<RegionOptions> regions, ulong placementBase, string placementField, ConfigProblems problems)
    {
        var result = new List<RegionOptions>(regions.Count);
        var placed = new List<RegionOptions>(regions.Count);   // the ones with addresses, in configuration order
        ulong cursor = placementBase;
        string? previous = null;
        bool cursorKnown = true;
        foreach (RegionOptions r in regions)
        {
            if (r.Memory.IsBacked)
            {
                // A backed region's addresses are its mapping's (CmaRuntimeBuilder checks planning regions against it).
                result.Add(r.Start == 0 ? r : r with { Start = 0 });
                continue;
            }
            ulong start;
            if (r.HasStart)
            {
                start = r.Start;
            }
            else if (!cursorKnown)
            {
                continue;   // the previous region could not be placed; its problem is already recorded
            }
            else if (!TryAlignUp(cursor, r.Alignment, out start))
            {
                string after = previous is null ? $"the placement base 0x{placementBase:X} ({placementField})" : $"region '{previous}'";
                problems.Add(r.Field, $"region '{r.Name}' has no Start and would be placed after {after}, past the end of the 64-bit address space; give it a Start.");
                cursorKnown = false;
                continue;
            }
            if (start > ulong.MaxValue - r.Size)
            {
                string how = r.HasStart ? "starting" : "placed";
                problems.Add(r.HasStart ? r.StartField : r.SizeField,
                    $"region '{r.Name}' {how} at 0x{start:X} with size {CmaSize.Format(r.Size)} would run past the end of the 64-bit address space (2^64); lower its Start or its Size.");
                cursorKnown = false;
                continue;
            }
            cursor = start + r.Size;
            cursorKnown = true;
            previous = r.Name;
            RegionOptions at = r with { Start = start };
            result.Add(at);
            placed.Add(at);
        }
        ReportOverlaps(placed, problems);
        return result;
    }

    /// <summary>Reports each region that overlaps an earlier-starting one, naming both: sorted by start (ties in
    /// configuration order), each region is checked against the one reaching furthest among those before it.</summary>
    private static void ReportOverlaps(List<RegionOptions> regions, ConfigProblems problems)
    {
        int[] byStart = new int[regions.Count];
        for (int i = 0; i < byStart.Length; i++)
            byStart[i] = i;
        Array.Sort(byStart, (a, b) => regions[a].Start != regions[b].Start ? regions[a].Start.CompareTo(regions[b].Start) : a.CompareTo(b));
        int reach = -1;   // the region with the largest end among those starting earlier
        foreach (int i in byStart)
        {
            if (reach >= 0 && regions[i].Start < regions[reach].End)
            {
                (int first, int second) = reach < i ? (reach, i) : (i, reach);
                problems.Add(regions[second].Field, $"{Describe(regions[second])} overlaps {Describe(regions[first])} ({regions[first].Field}); give one of them a Start outside the other, or make it smaller.");
            }
            if (reach < 0 || regions[i].End > regions[reach].End)
                reach = i;
        }
    }

    /// <summary>A region for an overlap message: <c>region 'b' [0x40000000, 0x40100000) (placed there: it has no Start)</c>.</summary>
    private static string Describe(RegionOptions region) =>
        $"region '{region.Name}' [0x{region.Start:X}, 0x{region.End:X}){(region.HasStart ? "" : " (placed there after the region before it, as it has no Start)")}";

    /// <summary>Rounds <paramref name="value"/> up to a multiple of the power of two <paramref name="alignment"/>;
    /// false on overflow. E.g. 0x4010_0000 aligned to 1M is 0x4010_0000; 0x4010_1000 becomes 0x4020_0000.</summary>
    public static bool TryAlignUp(ulong value, ulong alignment, out ulong aligned)
    {
        ulong mask = alignment - 1;
        if (value > ulong.MaxValue - mask)
        {
            aligned = 0;
            return false;
        }
        aligned = (value + mask) & ~mask;
        return true;
    }
}
