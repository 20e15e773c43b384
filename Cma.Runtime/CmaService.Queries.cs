using Cma.Runtime.Regions;

namespace Cma.Runtime;

/// <summary>The read side of the service (info for a device/type, region snapshots, reading no region's lock), reopening a
/// fenced region, and the lookups the host's own tools use.</summary>
internal sealed partial class CmaService
{
    /// <inheritdoc/>
    public CmaOutcome TryGetInfo(string device, string? type, out CmaInfo? info)
    {
        PluginCallScope.ThrowIfInside();
        ArgumentNullException.ThrowIfNull(device);
        CmaTopology topology = Topology;
        int rule = topology.Map.FindRule(device, type);
        if (rule < 0)
        {
            info = null;
            return CmaOutcome.NoMatchingRule;
        }
        Region[] regions = topology.RuleRegions[rule];
        ulong lower = ulong.MaxValue, upper = 0, total = 0, free = 0;
        foreach (Region r in regions)
        {
            lower = Math.Min(lower, r.Info.Start);
            upper = Math.Max(upper, r.Info.End);
            total += r.Info.Size;
            free += r.Snapshot().FreeBytes; // 0 when fenced; never waits for a plugin call
        }
        info = new CmaInfo { LowerBound = lower, UpperBound = upper, TotalSize = total, FreeSize = free, Count = regions.Length, Regions = [.. regions.Select(r => r.Info.Name)] };
        return CmaOutcome.Ok;
    }

    /// <inheritdoc/>
    /// <remarks>Reads each region's published snapshot, never its lock: a plugin call in progress, however slow, does not
    /// delay it.</remarks>
    public IReadOnlyList<CmaRegionSnapshot> GetRegions()
    {
        PluginCallScope.ThrowIfInside();
        Region[] all = Topology.Regions;
        var snapshots = new CmaRegionSnapshot[all.Length];
        for (int i = 0; i < snapshots.Length; i++)
            snapshots[i] = all[i].Snapshot();
        return snapshots;
    }

    /// <inheritdoc/>
    /// <remarks>Reads the region's published snapshot, never its lock (see <see cref="GetRegions"/>).</remarks>
    public CmaRegionSnapshot GetRegion(string name)
    {
        PluginCallScope.ThrowIfInside();
        ArgumentNullException.ThrowIfNull(name);
        return RegionNamed(name, nameof(name)).Snapshot();
    }

    /// <inheritdoc/>
    public bool TryReopen(string region, out string? reason)
    {
        PluginCallScope.ThrowIfInside();
        ArgumentNullException.ThrowIfNull(region);
        Region r = RegionNamed(region, nameof(region));
        lock (r.Sync)
            return r.TryReopen(out reason);
    }

    /// <summary>Frees every live chunk of every region (the host's own tools, e.g. <c>replay --loop</c> between passes).</summary>
    internal void FreeAll()
    {
        foreach (Region r in Topology.Regions)
            EmptyRegion(r);
    }

    /// <inheritdoc/>
    public CmaState CaptureState()
    {
        PluginCallScope.ThrowIfInside();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        CmaTopology topology = Topology;
        var regions = new List<CmaRegionState>(topology.Regions.Length);
        foreach (Region r in topology.Regions)
        {
            lock (r.Sync)
                regions.Add(r.CaptureState());
        }
        return new CmaState { TakenAt = DateTimeOffset.UtcNow, Regions = regions, Map = [.. topology.Map.Rules.Select(rule => rule.ToString())] };
    }

    /// <summary>Region lookup by name for the host's own tools (replay, CLI).</summary>
    internal Region? FindRegion(string name) => Topology.ByName.GetValueOrDefault(name);

    /// <summary>The region named <paramref name="name"/>; an <see cref="ArgumentException"/> on
    /// <paramref name="parameter"/>, listing the names, when there is none.</summary>
    private Region RegionNamed(string name, string parameter)
    {
        Dictionary<string, Region> byName = Topology.ByName;
        if (!byName.TryGetValue(name, out Region? region))
            CmaThrow.UnknownRegion(name, byName.Keys, parameter);
        return region;
    }
}
