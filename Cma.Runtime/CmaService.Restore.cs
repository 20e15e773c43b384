using Cma.Runtime.Regions;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime;

/// <summary>What restoring a <see cref="CmaState"/> put into one region (<see cref="CmaService.TryRestoreState"/>).</summary>
/// <param name="Region">The region's name.</param>
/// <param name="Chunks">Chunks placed at their addresses.</param>
/// <param name="MovableAsContiguous">Of those, movable or discardable chunks in the state, restored as contiguous ones.</param>
/// <param name="PinsDropped">Pins the state recorded on them, not restored (a restored host has no pin holders).</param>
internal sealed record CmaRestoredRegion(string Region, int Chunks, int MovableAsContiguous, long PinsDropped);

/// <summary>
/// Restoring a saved state into a running host, for the host's own tools (<c>cma replay --from-snapshot</c>): each region
/// of the state must exist here with the same size and granule (and start, unless either side is backed: a backed
/// region's start is wherever its mapping landed, so its chunks move with it) and be empty; its chunks are placed at
/// their addresses by the region's current allocator (Region.Restore.cs), which must implement
/// <see cref="ICmaExactPlacement"/>. Regions the state does not name stay empty. Internal: the public API captures a
/// state (<see cref="ICmaService.CaptureState"/>); restoring one is a tool's operation on a fresh host.
/// </summary>
internal sealed partial class CmaService
{
    /// <summary>Every way <paramref name="state"/> does not fit this host's configuration, one line each (empty when
    /// it fits): a region the configuration lacks, or a size, granule or start that differs.</summary>
    internal IReadOnlyList<string> CheckState(CmaState state) => CheckState(state, Topology);

    /// <summary><see cref="CheckState(CmaState)"/> against <paramref name="topology"/> (read once by the caller).</summary>
    private static List<string> CheckState(CmaState state, CmaTopology topology)
    {
        ArgumentNullException.ThrowIfNull(state);
        var problems = new List<string>();
        foreach (CmaRegionState saved in state.Regions)
        {
            CmaRegionSnapshot s = saved.Region;
            if (!topology.ByName.TryGetValue(s.Name, out Region? r))
            {
                problems.Add($"region '{s.Name}' is in the state but not configured (regions: {string.Join(", ", topology.Regions.Select(x => x.Info.Name))})");
                continue;
            }
            bool backed = s.Backing != CmaBacking.None || r.Memory is not null;
            if (!backed && s.Start != r.Info.Start)
                problems.Add($"region '{s.Name}': Start is 0x{s.Start:X} in the state but 0x{r.Info.Start:X} in the configuration");
            if (s.Size != r.Info.Size)
                problems.Add($"region '{s.Name}': Size is {CmaSize.Format(s.Size)} in the state but {CmaSize.Format(r.Info.Size)} in the configuration");
            if (s.Granule != r.Info.Granule)
                problems.Add($"region '{s.Name}': Granule is {CmaSize.Format(s.Granule)} in the state but {CmaSize.Format(r.Info.Granule)} in the configuration");
        }
        return problems;
    }

    /// <summary>Restores every region of <paramref name="state"/> (which <see cref="CheckState(CmaState)"/> passed) into this
    /// host's empty regions. False, with the reason naming the region and chunk, when one could not be: the regions
    /// restored before it are emptied again, so the host is as it was.</summary>
    internal bool TryRestoreState(CmaState state, out IReadOnlyList<CmaRestoredRegion> restored, out string? reason)
    {
        PluginCallScope.ThrowIfInside();
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var done = new List<CmaRestoredRegion>();
        restored = done;
        CmaTopology topology = Topology;   // once: a reload in between must not change the regions under the restore
        reason = CheckState(state, topology) is { Count: > 0 } problems ? string.Join("; ", problems) : null;
        foreach (CmaRegionState saved in reason is null ? state.Regions : [])
        {
            Region r = topology.ByName[saved.Region.Name];
            bool ok;
            lock (r.Sync)
                ok = r.TryRestore(saved.Chunks, r.Info.Start - saved.Region.Start, out reason);
            if (!ok)
            {
                foreach (CmaRestoredRegion back in done)
                    EmptyRegion(topology.ByName[back.Region]);
                done.Clear();
                _logger.LogWarning("Restoring a state was refused: {Reason}. The host is as it was.", reason);
                return false;
            }
            int movable = saved.Chunks.Count(c => c.Kind != CmaChunkKind.Contiguous);
            done.Add(new CmaRestoredRegion(r.Info.Name, saved.Chunks.Count, movable, saved.Chunks.Sum(c => (long)c.Pins)));
        }
        return reason is null;
    }

    /// <summary>Frees every live chunk of <paramref name="r"/>.</summary>
    private void EmptyRegion(Region r)
    {
        var addresses = new List<ulong>();
        lock (r.Sync)
            r.Chunks.ForEach((start, _) => addresses.Add(start));
        foreach (ulong address in addresses)
            TryFree(address);
    }
}
