using Cma.Runtime.Mapping;
using Cma.Runtime.Regions;

namespace Cma.Runtime;

/// <summary>
/// The service's region set and map as one immutable value: the regions in configuration order, sorted by start (for
/// free-by-address), by name, the map and each rule's regions resolved. The service holds one in a single field that each
/// call reads once, and a configuration reload replaces it with one write — so a request sees the old or the new regions
/// and map, never half of each.
/// </summary>
internal sealed class CmaTopology
{
    /// <summary>Builds the topology of <paramref name="regions"/> routed by <paramref name="map"/> (whose names all exist).</summary>
    public CmaTopology(IReadOnlyList<Region> regions, DeviceMap map)
    {
        Regions = [.. regions];
        ByStart = [.. regions.OrderBy(r => r.Info.Start)];
        Starts = [.. ByStart.Select(r => r.Info.Start)];
        ByName = regions.ToDictionary(r => r.Info.Name, StringComparer.Ordinal);
        ByNameSpan = ByName.GetAlternateLookup<ReadOnlySpan<char>>();
        Map = map;
        RuleRegions = [.. map.Rules.Select(rule => rule.Regions.Select(n => ByName[n]).ToArray())];
        MaxGranule = regions.Count == 0 ? 1 : regions.Max(r => r.Info.Granule);
    }

    /// <summary>Regions in configuration order.</summary>
    public Region[] Regions { get; }

    /// <summary>Regions sorted by start address (they never overlap), for free-by-address.</summary>
    public Region[] ByStart { get; }

    /// <summary>Region starts parallel to <see cref="ByStart"/>.</summary>
    public ulong[] Starts { get; }

    /// <summary>Region by name.</summary>
    public Dictionary<string, Region> ByName { get; }

    /// <summary>Span-keyed view of <see cref="ByName"/> for allocation-free parsing of region lists.</summary>
    public Dictionary<string, Region>.AlternateLookup<ReadOnlySpan<char>> ByNameSpan { get; }

    /// <summary>The map.</summary>
    public DeviceMap Map { get; }

    /// <summary>Per map rule, its regions in fallback order (names resolved once).</summary>
    public Region[][] RuleRegions { get; }

    /// <summary>The largest granule of any region: sizes that overflow when rounded to it are rejected.</summary>
    public ulong MaxGranule { get; }

    /// <summary>The region whose range holds <paramref name="address"/>, or null. A plain binary search over
    /// <see cref="Starts"/> for the last region starting at or below it (no comparer call per step); with one region it is a
    /// single compare. E.g. starts 0x1000, 0x9000: 0x8FFF → the first, 0x9000 → the second, 0x0FFF → none.</summary>
    public Region? RegionAt(ulong address)
    {
        ulong[] starts = Starts;
        int lo = 0, hi = starts.Length; // invariant: starts[< lo] ≤ address < starts[≥ hi]
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (starts[mid] <= address)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo > 0 && address < ByStart[lo - 1].Info.End ? ByStart[lo - 1] : null;
    }
}
