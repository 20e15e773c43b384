namespace Cma.Runtime.Configuration;

/// <summary>
/// Places regions and checks that they fit together: a region without a Start goes after the previous region's
/// end (the first at the placement base), aligned up to its alignment; no region may run past 2^64 - 1; no two
/// regions may overlap, whether they were placed or given a Start. Backed regions (Backing Native, File or Shared)
/// take no part: their addresses are their mappings', so they get Start 0 here and do not move the placement cursor.
/// </summary>
internal static class RegionLayout
{
    /// <summary>Places <paramref name="drafts"/> in order; records every problem; returns the placed regions.</summary>
    public static List<RegionOptions> Place(IReadOnlyList<RegionDraft> drafts, ulong placementBase, string placementField, ConfigProblems problems)
    {
        var placed = new List<RegionOptions>(drafts.Count);
        var wasPlaced = new List<bool>(drafts.Count);
        var backed = new List<RegionOptions>();
        ulong cursor = placementBase;
        string? previous = null;
        bool cursorKnown = true;
        foreach (RegionDraft d in drafts)
        {
            ulong start;
            if (d.Memory.IsBacked)
            {
                // A backed region's addresses are its mapping's (CmaRuntimeBuilder checks planning regions against it).
                backed.Add(new RegionOptions(d.Name, 0, d.Size, d.Alignment, d.Granule, d.Allocator, d.Settings, d.Field) { Memory = d.Memory });
                continue;
            }
            if (d.Start is ulong given)
            {
                start = given;
            }
            else if (!cursorKnown)
            {
                continue;   // the previous region could not be placed; its problem is already recorded
            }
            else if (!TryAlignUp(cursor, d.Alignment, out start))
            {
                string after = previous is null ? $"the placement base 0x{placementBase:X} ({placementField})" : $"region '{previous}'";
                problems.Add(d.Field, $"region '{d.Name}' has no Start and would be placed after {after}, past the end of the 64-bit address space; give it a Start.");
                cursorKnown = false;
                continue;
            }
            if (start > ulong.MaxValue - d.Size)
            {
                string how = d.Start is null ? "placed" : "starting";
                problems.Add(d.Start is null ? d.SizeField : d.StartField,
                    $"region '{d.Name}' {how} at 0x{start:X} with size {CmaSize.Format(d.Size)} would run past the end of the 64-bit address space (2^64); lower its Start or its Size.");
                cursorKnown = false;
                continue;
            }
            cursor = start + d.Size;
            cursorKnown = true;
            previous = d.Name;
            placed.Add(new RegionOptions(d.Name, start, d.Size, d.Alignment, d.Granule, d.Allocator, d.Settings, d.Field));
            wasPlaced.Add(d.Start is null);
        }
        ReportOverlaps(placed, wasPlaced, problems);
        if (backed.Count == 0)
            return placed;
        // Keep configuration order (it is the map's default fallback order).
        var ordered = new List<RegionOptions>(drafts.Count);
        foreach (RegionDraft d in drafts)
        {
            RegionOptions? found = placed.Find(r => r.Name == d.Name) ?? backed.Find(r => r.Name == d.Name);
            if (found is not null)
                ordered.Add(found);
        }
        return ordered;
    }

    /// <summary>Reports each region that overlaps an earlier-starting one, naming both.</summary>
    private static void ReportOverlaps(List<RegionOptions> regions, List<bool> wasPlaced, ConfigProblems problems)
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
                problems.Add(regions[second].Field, $"{Describe(regions[second], wasPlaced[second])} overlaps {Describe(regions[first], wasPlaced[first])} ({regions[first].Field}); give one of them a Start outside the other, or make it smaller.");
            }
            if (reach < 0 || regions[i].End > regions[reach].End)
                reach = i;
        }
    }

    /// <summary>A region for an overlap message: <c>region 'b' [0x40000000, 0x40100000) (placed there: it has no Start)</c>.</summary>
    private static string Describe(RegionOptions region, bool placed) =>
        $"region '{region.Name}' [0x{region.Start:X}, 0x{region.End:X}){(placed ? " (placed there after the region before it, as it has no Start)" : "")}";

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
