using Cma.Runtime.Mapping;
using Cma.Runtime.Regions;

namespace Cma.Runtime;

/// <summary>
/// The movable-chunk API: allocation through the map or from named regions, pins, frees through the handle,
/// compaction and the mover. A movable request goes through the same map rule (or named list) as a contiguous one; the
/// rule's regions are tried in order and are also where the chunk may migrate later.
/// </summary>
internal sealed partial class CmaService : IMovableChunkHost
{
    /// <summary>The mover last registered (<see cref="SetMover"/>), given to regions a reload adds.</summary>
    private volatile Action<CmaMove>? _mover;

    /// <inheritdoc/>
    public CmaOutcome TryAllocateMovable(string device, string? type, ulong size, ulong alignment, bool discardable, out CmaMovableChunk? chunk)
    {
        PluginCallScope.ThrowIfInside();
        if (Route(device, type, size, alignment) is not { } candidates)
        {
            chunk = null;
            return CmaOutcome.NoMatchingRule;
        }
        return AllocateMovableFrom(candidates, device, type ?? DeviceMap.CommonType, size, alignment, discardable, out chunk);
    }

    /// <inheritdoc/>
    public CmaMovableChunk AllocateMovable(string device, string? type, ulong size, ulong alignment = 0, bool discardable = false)
    {
        CmaOutcome outcome = TryAllocateMovable(device, type, size, alignment, discardable, out CmaMovableChunk? chunk);
        if (outcome != CmaOutcome.Ok)
            CmaThrow.AllocationFailed(outcome, device, type, size, alignment);
        return chunk!;
    }

    /// <inheritdoc/>
    public CmaOutcome TryAllocateMovableFrom(string regions, ulong size, ulong alignment, bool discardable, out CmaMovableChunk? chunk)
    {
        PluginCallScope.ThrowIfInside();
        ArgumentNullException.ThrowIfNull(regions);
        CmaTopology topology = Topology;
        ValidateRequest(topology, size, alignment);
        return AllocateMovableFrom(ResolveRegions(topology, regions), "", "", size, alignment, discardable, out chunk);
    }

    /// <summary>Tries <paramref name="candidates"/> in order for a movable chunk, whose handle is made and registered in the
    /// allocation's critical section.</summary>
    private CmaOutcome AllocateMovableFrom(Region[] candidates, string device, string type, ulong size, ulong alignment, bool discardable,
        out CmaMovableChunk? chunk)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        bool anyTried = false;
        foreach (Region region in candidates)
        {
            RegionAllocateResult result;
            lock (region.Sync)
            {
                int owner = region.OwnerIndex(device, type);
                result = region.TryAllocateMovable(size, alignment, owner, out ulong address, out ulong placed);
                chunk = null;
                if (result == RegionAllocateResult.Ok)
                {
                    (_, ulong align) = region.Normalize(size, alignment);
                    chunk = new CmaMovableChunk(this, region, address, placed, size, align, owner, device, type, discardable, candidates);
                    region.AdoptMovable(chunk, address);
                }
            }
            if (result == RegionAllocateResult.Fenced)
            {
                ObjectDisposedException.ThrowIf(_disposed != 0, this);
                continue;
            }
            anyTried = true;
            if (result == RegionAllocateResult.Ok)
            {
                _metrics?.MovableAllocation(region, CmaOutcome.Ok, discardable);
                return CmaOutcome.Ok;
            }
        }
        chunk = null;
        CmaOutcome outcome = anyTried ? CmaOutcome.NoSpace : CmaOutcome.AllRegionsFenced;
        _metrics?.MovableAllocation(candidates.Length > 0 ? candidates[0] : null, outcome, discardable);
        return outcome;
    }

    /// <inheritdoc/>
    public IReadOnlyList<CmaMove> Compact(string region)
    {
        PluginCallScope.ThrowIfInside();
        ArgumentNullException.ThrowIfNull(region);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Region r = RegionNamed(region, nameof(region));
        var moves = new List<CmaMove>();
        lock (r.Sync)
            r.Compact(moves);
        return moves;
    }

    /// <inheritdoc/>
    public void SetMover(Action<CmaMove>? mover)
    {
        PluginCallScope.ThrowIfInside();
        _mover = mover;   // for regions a configuration reload adds
        foreach (Region r in Topology.Regions)
        {
            lock (r.Sync)
                r.Mover = r.Memory is null ? mover : null;
        }
    }

    /// <inheritdoc/>
    CmaOutcome IMovableChunkHost.TryPin(CmaMovableChunk chunk, bool longTerm, out CmaPin? pin)
    {
        PluginCallScope.ThrowIfInside();
        while (true)
        {
            Region region = chunk.CurrentRegion;
            lock (region.Sync)
            {
                if (chunk.CurrentRegion != region)
                    continue;   // it moved between the read and the lock: try its new region
                if (_disposed != 0 && chunk.State == CmaMovableChunk.Live)
                    chunk.SetState(CmaMovableChunk.Freed);
                CmaOutcome outcome = region.TryPin(chunk, longTerm, out pin, out bool moved);
                if (!moved)
                    return outcome;
                // A long-term pin moved it out of the reusable region: pin it under its new region's lock.
            }
        }
    }

    /// <inheritdoc/>
    void IMovableChunkHost.FreeMovable(CmaMovableChunk chunk)
    {
        if (_disposed != 0 || Region.InMover)
            return;   // the host's memory is already released / a mover must not free: Dispose never throws
        PluginCallScope.ThrowIfInside();
        CmaGuardOverrun? overrun;
        bool freed;
        Region region;
        while (true)
        {
            region = chunk.CurrentRegion;
            lock (region.Sync)
            {
                if (chunk.CurrentRegion != region)
                    continue;
                freed = region.TryFreeMovable(chunk, out overrun);
                break;
            }
        }
        if (overrun is not null)
            ReportOverrun(region, overrun);
        if (freed)
            _metrics?.Free(region, CmaOutcome.Ok);
    }
}
