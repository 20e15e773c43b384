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
    /// <summary>Regions in configuration order.</summary>
    private readonly Region[] _regions;

    /// <summary>Regions sorted by start address (they never overlap), for free-by-address.</summary>
    private readonly Region[] _byStart;

    /// <summary>Region starts parallel to <see cref="_byStart"/>.</summary>
    private readonly ulong[] _starts;

    /// <summary>Region by name.</summary>
    private readonly Dictionary<string, Region> _byName;

    /// <summary>Span-keyed view of <see cref="_byName"/> for allocation-free parsing of region lists.</summary>
    private readonly Dictionary<string, Region>.AlternateLookup<ReadOnlySpan<char>> _byNameSpan;

    /// <summary>The map.</summary>
    private readonly DeviceMap _map;

    /// <summary>Per map rule, its regions in fallback order (names resolved once).</summary>
    private readonly Region[][] _ruleRegions;

    /// <summary>The largest granule of any region: sizes that overflow when rounded to it are rejected.</summary>
    private readonly ulong _maxGranule;

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
        _regions = [.. regions];
        _byStart = [.. regions.OrderBy(r => r.Info.Start)];
        _starts = [.. _byStart.Select(r => r.Info.Start)];
        _byName = regions.ToDictionary(r => r.Info.Name, StringComparer.Ordinal);
        _byNameSpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
        _map = map;
        _ruleRegions = [.. map.Rules.Select(rule => rule.Regions.Select(n => _byName[n]).ToArray())];
        _maxGranule = regions.Count == 0 ? 1 : regions.Max(r => r.Info.Granule);
        _logger = logger;
        _metrics = metrics;
        metrics?.Observe(this);
        AttachHotReload(catalog);
    }

    /// <summary>The map the service routes by.</summary>
    internal DeviceMap Map => _map;

    /// <summary>The regions in configuration order.</summary>
    internal IReadOnlyList<Region> Regions => _regions;

    /// <inheritdoc/>
    public CmaOutcome TryAllocate(string device, string? type, ulong size, ulong alignment, out CmaChunk chunk) =>
        TryAllocate(device, type, size, alignment, asBuffer: false, out chunk, out _);

    /// <summary><see cref="TryAllocate(string, string?, ulong, ulong, out CmaChunk)"/>; with <paramref name="asBuffer"/>,
    /// also the chunk's <see cref="CmaBuffer"/>, registered while the region's lock is still held.</summary>
    private CmaOutcome TryAllocate(string device, string? type, ulong size, ulong alignment, bool asBuffer, out CmaChunk chunk, out CmaBuffer? buffer)
    {
        PluginCallScope.ThrowIfInside(); // first: even a bad call from inside a plugin fences its region
        ArgumentNullException.ThrowIfNull(device);
        ValidateRequest(size, alignment);
        int rule = _map.FindRule(device, type);
        if (rule < 0)
        {
            chunk = default;
            buffer = null;
            _metrics?.Allocation(null, CmaOutcome.NoMatchingRule);
            return CmaOutcome.NoMatchingRule;
        }
        return AllocateFrom(_ruleRegions[rule], device, type ?? DeviceMap.CommonType, size, alignment, asBuffer, out chunk, out buffer);
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
        ValidateRequest(size, alignment);
        return AllocateFrom(ResolveRegions(regions), "", "", size, alignment, asBuffer, out chunk, out buffer);
    }

    /// <summary>The regions a comma-separated list names, in order; every name is resolved first, so that an unknown one
    /// is an <see cref="ArgumentException"/> and nothing changes.</summary>
    private Region[] ResolveRegions(string regions)
    {
        Span<int> picked = stackalloc int[Math.Min(64, _regions.Length + 1)];
        int count = 0;
        foreach (Range part in regions.AsSpan().Split(','))
        {
            ReadOnlySpan<char> name = regions.AsSpan()[part].Trim();
            if (!_byNameSpan.TryGetValue(name, out Region? region))
                CmaThrow.UnknownRegion(name, _byName.Keys, nameof(regions));
            if (count < picked.Length)
                picked[count++] = Array.IndexOf(_regions, region);
        }
        if (count == 0)
            CmaThrow.NoRegionNamed(nameof(regions));
        Region[] candidates = new Region[count];
        for (int i = 0; i < count; i++)
            candidates[i] = _regions[picked[i]];
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
                    buffer = AdoptChunk(region, address, size, device, type);
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
        int i = RegionIndexOf(address);
        if (i >= 0)
        {
            Region region = _byStart[i];
            if (address < region.Info.End)
            {
                bool freed;
                lock (region.Sync)
                {
                    freed = ReleaseHandle(i, address, handle) && region.TryFree(address, out overrun);
                }
                if (overrun is not null)
                    ReportOverrun(region, overrun);
                _metrics?.Free(region, freed ? CmaOutcome.Ok : CmaOutcome.NotFound);
                return freed ? CmaOutcome.Ok : CmaOutcome.NotFound;
            }
        }
        _logger.LogWarning("Free of 0x{Address:X}: the address is in no region; nothing changed.", address);
        _metrics?.Free(null, CmaOutcome.NotFound);
        return CmaOutcome.NotFound;
    }

    /// <summary>The index in <see cref="_byStart"/> of the last region that starts at or below <paramref name="address"/>, or
    /// -1 when every region starts above it. A plain binary search over <see cref="_starts"/> (no comparer call per step);
    /// with one region it is a single compare. E.g. starts 0x1000, 0x9000: 0x8FFF → 0, 0x9000 → 1, 0x0FFF → -1.</summary>
    private int RegionIndexOf(ulong address)
    {
        ulong[] starts = _starts;
        int lo = 0, hi = starts.Length; // invariant: starts[< lo] ≤ address < starts[≥ hi]
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (starts[mid] <= address)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo - 1;
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
    private void ValidateRequest(ulong size, ulong alignment)
    {
        if (size == 0)
            Reject(CmaThrow.ZeroSize, nameof(size));
        if (size > ulong.MaxValue - (_maxGranule - 1))
            Reject(CmaThrow.OverflowingSize(size, _maxGranule), nameof(size));
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
        foreach (Region r in _regions)
        {
            lock (r.Sync)
                r.Close();
        }
        _metrics?.Dispose();
    }
}
