using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using Cma.Runtime.Mapping;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime;

/// <summary>
/// The host API over a set of regions and a map. One lock per region and no global lock on the hot path: an
/// allocation looks up the map rule (allocation-free), then tries the rule's regions in order, each under its
/// own lock; a free finds the region by binary search over region starts. A slow plugin therefore delays only
/// the callers of its own region.
/// </summary>
internal sealed partial class CmaService : ICmaService, IDisposable
{
    /// <summary>The regions and the map, replaced whole by a configuration reload (<see cref="Apply"/>); every call reads it
    /// once (<see cref="Topology"/>) and works on that one value.</summary>
    private CmaTopology _topology;

    /// <summary>Metrics, or null.</summary>
    private readonly CmaMetrics? _metrics;

    /// <summary>Logs rejected arguments and not-found frees.</summary>
    private readonly ILogger _logger;

    /// <summary>0 until <see cref="Dispose"/> runs; then 1 (never goes back).</summary>
    private int _disposed;

    /// <summary>The loaded plugins (for allocator swaps), or null when the service was built without a catalog.</summary>
    private readonly Plugins.PluginCatalog? _catalog;

    internal CmaService(IReadOnlyList<Region> regions, DeviceMap map, ILogger logger, CmaMetrics? metrics = null, Plugins.PluginCatalog? catalog = null)
    {
        _catalog = catalog;
        _topology = new CmaTopology(regions, map);
        _logger = logger;
        _metrics = metrics;
        metrics?.Observe(this);
        AttachHotReload(catalog);
    }

    /// <summary>The current regions and map (read once per call).</summary>
    internal CmaTopology Topology => Volatile.Read(ref _topology);

    /// <summary>The map the service routes by now.</summary>
    internal DeviceMap Map => Topology.Map;

    /// <summary>The regions in configuration order, now.</summary>
    internal IReadOnlyList<Region> Regions => Topology.Regions;

    /// <inheritdoc/>
    public CmaOutcome TryAllocate(string device, string? type, ulong size, ulong alignment, out CmaChunk chunk) =>
        TryAllocate(device, type, size, alignment, asBuffer: false, out chunk, out _);

    /// <summary><see cref="TryAllocate(string, string?, ulong, ulong, out CmaChunk)"/>; with <paramref name="asBuffer"/>,
    /// also the chunk's <see cref="CmaBuffer"/>, registered while the region's lock is still held.</summary>
    private CmaOutcome TryAllocate(string device, string? type, ulong size, ulong alignment, bool asBuffer, out CmaChunk chunk, out CmaBuffer? buffer)
    {
        PluginCallScope.ThrowIfInside(); // first: even a bad call from inside a plugin fences its region
        if (Route(device, type, size, alignment) is not { } candidates)
        {
            chunk = default;
            buffer = null;
            return CmaOutcome.NoMatchingRule;
        }
        return AllocateFrom(candidates, device, type ?? DeviceMap.CommonType, size, alignment, asBuffer, out chunk, out buffer);
    }

    /// <summary>The regions the map gives a request for <paramref name="device"/>/<paramref name="type"/>, after checking
    /// its arguments (<see cref="ArgumentException"/>); null, counted, when no rule matches. Shared by contiguous and
    /// movable requests.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Region[]? Route(string device, string? type, ulong size, ulong alignment)
    {
        ArgumentNullException.ThrowIfNull(device);
        CmaTopology topology = Topology;
        ValidateRequest(topology, size, alignment);
        int rule = topology.Map.FindRule(device, type);
        if (rule >= 0)
            return topology.RuleRegions[rule];
        _metrics?.Allocation(null, CmaOutcome.NoMatchingRule);
        return null;
    }

    /// <inheritdoc/>
    public CmaChunk Allocate(string device, string? type, ulong size, ulong alignment = 0)
    {
        CmaOutcome outcome = TryAllocate(device, type, size, alignment, out CmaChunk chunk);
        if (outcome != CmaOutcome.Ok)
            CmaThrow.AllocationFailed(outcome, device, type, size, alignment);
        return chunk;
    }

    /// <inheritdoc/>
    public CmaOutcome TryAllocateFrom(string regions, ulong size, ulong alignment, out CmaChunk chunk) =>
        TryAllocateFrom(regions, size, alignment, asBuffer: false, out chunk, out _);

    /// <summary><see cref="TryAllocateFrom(string, ulong, ulong, out CmaChunk)"/>; with <paramref name="asBuffer"/>, also
    /// the chunk's <see cref="CmaBuffer"/>, registered while the region's lock is still held.</summary>
    private CmaOutcome TryAllocateFrom(string regions, ulong size, ulong alignment, bool asBuffer, out CmaChunk chunk, out CmaBuffer? buffer)
    {
        PluginCallScope.ThrowIfInside();
        ArgumentNullException.ThrowIfNull(regions);
        CmaTopology topology = Topology;
        ValidateRequest(topology, size, alignment);
        return AllocateFrom(ResolveRegions(topology, regions), "", "", size, alignment, asBuffer, out chunk, out buffer);
    }

    /// <summary>The regions a comma-separated list names, in order; every name is resolved first, so that an unknown one
    /// is an <see cref="ArgumentException"/> and nothing changes.</summary>
    private static Region[] ResolveRegions(CmaTopology topology, string regions)
    {
        Region[] all = topology.Regions;
        Span<int> picked = stackalloc int[Math.Min(64, all.Length + 1)];
        int count = 0;
        foreach (Range part in regions.AsSpan().Split(','))
        {
            ReadOnlySpan<char> name = regions.AsSpan()[part].Trim();
            if (!topology.ByNameSpan.TryGetValue(name, out Region? region))
                CmaThrow.UnknownRegion(name, topology.ByName.Keys, nameof(regions));
            if (count < picked.Length)
                picked[count++] = Array.IndexOf(all, region);
        }
        if (count == 0)
            CmaThrow.NoRegionNamed(nameof(regions));
        Region[] candidates = new Region[count];
        for (int i = 0; i < count; i++)
            candidates[i] = all[picked[i]];
        return candidates;
    }

    /// <summary>Tries <paramref name="candidates"/> in order. With <paramref name="asBuffer"/>, the chunk's handle is made and
    /// registered in the same critical section as the allocation, so no free by address can come between them.</summary>
    private CmaOutcome AllocateFrom(Region[] candidates, string device, string type, ulong size, ulong alignment,
        bool asBuffer, out CmaChunk chunk, out CmaBuffer? buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        buffer = null;
        bool anyTried = false;
        CmaOutcome blocked = CmaOutcome.Ok;
        foreach (Region region in candidates)
        {
            long started = _metrics?.StartTimer() ?? 0;
            RegionAllocateResult result;
            ulong address, chunkSize;
            bool migrated;
            lock (region.Sync)
            {
                int owner = region.OwnerIndex(device, type);
                result = region.TryAllocateChunk(size, alignment, owner, out address, out chunkSize);
                migrated = region.LastAllocationMigrated;
                if (result == RegionAllocateResult.Ok && asBuffer)
                    buffer = AdoptChunk(region, address, size, region.OwnerName(owner));
            }
            if (result == RegionAllocateResult.Fenced)
            {
                // Dispose closes every region (fencing it) after setting the flag: a request that passed the check above
                // and then met a closed region must not fall through to the next one, nor report the host's regions fenced.
                ObjectDisposedException.ThrowIf(_disposed != 0, this);
                continue;
            }
            anyTried = true;
            if (result == RegionAllocateResult.Ok)
            {
                _metrics?.Allocation(region, CmaOutcome.Ok, started, migrated);
                chunk = new CmaChunk(address, chunkSize, region.Info.Name);
                return CmaOutcome.Ok;
            }
            if (blocked == CmaOutcome.Ok && result != RegionAllocateResult.NoSpace)
                blocked = OutcomeOf(result);  // the first region where movable chunks stood in the way says why
        }
        chunk = default;
        CmaOutcome outcome = blocked != CmaOutcome.Ok ? blocked : anyTried ? CmaOutcome.NoSpace : CmaOutcome.AllRegionsFenced;
        _metrics?.Allocation(candidates.Length > 0 ? candidates[0] : null, outcome);
        return outcome;
    }

    /// <inheritdoc/>
    public CmaOutcome TryFree(ulong address) => FreeCore(address, null, out _);

    /// <summary>Frees the chunk at <paramref name="address"/>; <paramref name="overrun"/> is set when its guard bytes were
    /// changed (the chunk is freed all the same, and the overrun reported). A free by address (<paramref name="handle"/>
    /// null) retires the chunk's live <see cref="CmaBuffer"/>, if any; a free through a handle frees only while that
    /// handle still owns the chunk (see <see cref="ReleaseHandle"/>).</summary>
    private CmaOutcome FreeCore(ulong address, CmaBuffer? handle, out CmaGuardOverrun? overrun)
    {
        PluginCallScope.ThrowIfInside();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        overrun = null;
        if (Topology.RegionAt(address) is { } region)
        {
            bool freed;
            lock (region.Sync)
            {
                freed = ReleaseHandle(region, address, handle) && region.TryFree(address, out overrun);
            }
            if (overrun is not null)
                ReportOverrun(region, overrun);
            _metrics?.Free(region, freed ? CmaOutcome.Ok : CmaOutcome.NotFound);
            return freed ? CmaOutcome.Ok : CmaOutcome.NotFound;
        }
        _logger.LogWarning("Free of 0x{Address:X}: the address is in no region; nothing changed.", address);
        _metrics?.Free(null, CmaOutcome.NotFound);
        return CmaOutcome.NotFound;
    }

    /// <inheritdoc/>
    public void Free(ulong address)
    {
        if (TryFree(address) != CmaOutcome.Ok)
            CmaThrow.NotFreed(address);
    }

    /// <summary>The outcome a region's failed placement reports: what stood in the way in a reusable region.</summary>
    private static CmaOutcome OutcomeOf(RegionAllocateResult result) => result switch
    {
        RegionAllocateResult.Pinned => CmaOutcome.Pinned,
        RegionAllocateResult.NoRoomToMigrate => CmaOutcome.NoRoomToMigrate,
        RegionAllocateResult.MoverFailed => CmaOutcome.MoverFailed,
        _ => CmaOutcome.NoSpace,
    };

    /// <summary>Rejects a zero size, a non-power-of-two alignment, and a size that overflows when rounded.</summary>
    private void ValidateRequest(CmaTopology topology, ulong size, ulong alignment)
    {
        ulong maxGranule = topology.MaxGranule;
        if (size == 0)
            Reject(CmaThrow.ZeroSize, nameof(size));
        if (size > ulong.MaxValue - (maxGranule - 1))
            Reject(CmaThrow.OverflowingSize(size, maxGranule), nameof(size));
        if (alignment != 0 && !BitOperations.IsPow2(alignment))
            Reject(CmaThrow.BadAlignment(alignment), nameof(alignment));
    }

    /// <summary>Counts a rejected argument and throws.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Reject(string message, string parameter)
    {
        _metrics?.RejectedArgument(parameter);
        CmaThrow.BadArgument(message, parameter);
    }

    /// <summary>Disposes the allocators of active regions and releases the regions' memory (mappings unmapped, Shared
    /// files unlinked); buffers still live then throw <see cref="ObjectDisposedException"/>. Later calls do nothing.
    /// Each region is closed under its lock, so a plugin call in progress on another thread finishes first, and a request
    /// that reaches a closed region throws <see cref="ObjectDisposedException"/>.</summary>
    /// <exception cref="InvalidOperationException">Called from inside a plugin call (e.g. by an allocator): refused, and
    /// that plugin's region is fenced; nothing is disposed, so nothing is torn down under the call in progress.</exception>
    public void Dispose()
    {
        PluginCallScope.ThrowIfInside();
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _watch?.Dispose();
        lock (_applyLock)   // a reload in progress finishes first; none starts after this
        {
            foreach (Region r in Topology.Regions)
            {
                lock (r.Sync)
                    r.Close();
            }
        }
        _metrics?.Dispose();
    }
}
