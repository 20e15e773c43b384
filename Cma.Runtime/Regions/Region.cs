using System.Diagnostics;
using System.Runtime.CompilerServices;
using Cma.Runtime.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime.Regions;

/// <summary>
/// One configured region: its identity (name, range, granule, alignment, allocator name, provider, settings), the lock
/// that serialises calls into its allocator, and its parts — the <see cref="AllocatorGuard"/> of the current allocator
/// instance (the live chunks, the bytes they reserve, the checks), the <see cref="OwnerTable"/>, its
/// <see cref="RegionMemory"/> when backed, and the published state monitoring reads (Region.Snapshot.cs). Every plugin
/// call runs inside a <see cref="PluginCallScope"/>, and every result is verified before it is handed out — inside the
/// region, aligned, no overlap with the live neighbours, and free bytes equal to the region size minus what the live
/// chunks reserve per the plugin's traits. A plugin that breaks this, throws, or calls back into the host from inside a
/// call fences the region: the result is discarded, the fault is logged and counted, and the plugin is never called
/// again until the region is empty and reopened with a fresh allocator (a new guard over the same chunk index).
/// Concurrency: callers hold <see cref="Sync"/> around every method that mutates (the service does).
/// </summary>
internal sealed partial class Region
{
    /// <summary>Set when this region's plugin called back into the host during the current call.</summary>
    private bool _reentered;

    /// <summary>The current allocator instance and its checks; null until the first one is created. Replaced (under
    /// <see cref="Sync"/>) by each new instance.</summary>
    private AllocatorGuard? _guard;

    /// <summary>Logs faults and frees of unknown addresses.</summary>
    private readonly ILogger _logger;

    public Region(CmaRegion info, ulong alignment, string allocatorName, ICmaAllocatorProvider? provider, IConfiguration settings, ILogger logger)
    {
        Info = info;
        Chunks = new ChunkIndex(info.Start, info.Size, info.Granule);
        Alignment = alignment;
        AllocatorName = allocatorName;
        Provider = provider;
        Settings = settings;
        _logger = logger;
    }

    /// <summary>Name, start, size and granule.</summary>
    public CmaRegion Info { get; }

    /// <summary>The region's configured alignment (of its start).</summary>
    public ulong Alignment { get; }

    /// <summary>The allocator name the configuration chose.</summary>
    public string AllocatorName { get; private set; }

    /// <summary>The provider that creates this region's allocators (null if it failed to load).</summary>
    public ICmaAllocatorProvider? Provider { get; private set; }

    /// <summary>The region's plugin settings section.</summary>
    public IConfiguration Settings { get; private set; }

    /// <summary>The region's bytes (its start is the mapping's base), or null when it is address space only. The region
    /// prepares each chunk's bytes when it places it and releases them when it frees it, and disposes them in
    /// <see cref="Close"/>.</summary>
    public RegionMemory? Memory { get; init; }

    /// <summary>Serialises every call into the allocator and every registry change.</summary>
    public Lock Sync { get; } = new();

    /// <summary>The current allocator instance; null until created or when creation failed.</summary>
    public ICmaAllocator? Allocator => _guard?.Allocator;

    /// <summary>The allocator's traits, read once at creation.</summary>
    public CmaAllocatorTraits Traits => _guard?.Traits ?? default;

    /// <summary>The live chunks.</summary>
    public ChunkIndex Chunks { get; }

    /// <summary>Bytes the live chunks reserve, per the allocator's traits.</summary>
    public ulong ReservedBytes => _guard?.ReservedBytes ?? 0;

    /// <summary>A request as this region's plugin must receive it: the size rounded up to the granule, the alignment
    /// raised to at least the granule (0 means the granule). The caller has checked that neither overflows.</summary>
    public (ulong Size, ulong Alignment) Normalize(ulong size, ulong alignment) => Normalize(size, alignment, Info.Granule);

    /// <summary>A request as a plugin on a region of granule <paramref name="granule"/> must receive it (see the instance
    /// <see cref="Normalize(ulong, ulong)"/>): also for a caller that drives a plugin without a region, such as the
    /// timed pass of <c>cma compare</c>.</summary>
    public static (ulong Size, ulong Alignment) Normalize(ulong size, ulong alignment, ulong granule) =>
        ((size + granule - 1) & ~(granule - 1), alignment < granule ? granule : alignment);

    /// <summary>Places a chunk of <paramref name="requested"/> bytes as a caller asked for it: adds the region's guard bytes,
    /// normalises the request (<see cref="Normalize(ulong, ulong)"/>), asks the plugin (<see cref="Place"/>) and prepares the chunk's
    /// bytes. <paramref name="size"/> is what the chunk reserves in the plugin. Caller holds <see cref="Sync"/> and has
    /// checked that <paramref name="requested"/> does not overflow when rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RegionAllocateResult TryAllocateChunk(ulong requested, ulong alignment, int owner, out ulong address, out ulong size)
    {
        RegionMemory? memory = Memory;
        // Guard bytes follow the requested size inside the chunk; requested <= region size keeps the sum exact.
        ulong guard = memory is null ? 0 : memory.Options.GuardBytes;
        if (guard != 0 && requested > Info.Size)
        {
            (address, size) = (0, 0);
            return State == RegionState.Active ? RegionAllocateResult.NoSpace : RegionAllocateResult.Fenced;
        }
        (size, ulong align) = Normalize(requested + guard, alignment);
        RegionAllocateResult result = _space is { Reusable: true }
            ? PlaceReusable(size, requested, align, owner, out address)
            : Place(size, requested, align, owner, out address);
        if (result != RegionAllocateResult.Ok)
            return result;
        if (Journal is { } journal && !JournalAllocate(journal, address, size, requested, owner))
        {
            address = 0;
            return RegionAllocateResult.Fenced;
        }
        memory?.Prepare(address, requested, size);
        return result;
    }

    /// <summary>Asks the plugin for a range and verifies it. Caller holds <see cref="Sync"/>; <paramref name="size"/> and
    /// <paramref name="alignment"/> are already normalised to this region's granule (the host's replay tools).</summary>
    public RegionAllocateResult TryAllocate(ulong size, ulong alignment, int owner, out ulong address) =>
        _space is { Reusable: true } ? PlaceReusable(size, size, alignment, owner, out address) : Place(size, size, alignment, owner, out address);

    /// <summary><see cref="TryAllocate"/> of a chunk whose caller asked for <paramref name="requested"/> bytes.</summary>
    private RegionAllocateResult Place(ulong size, ulong requested, ulong alignment, int owner, out ulong address)
    {
        address = 0;
        if (State != RegionState.Active)
            return RegionAllocateResult.Fenced;
        if (size > Info.Size)
            return RegionAllocateResult.NoSpace;
        AllocatorGuard guard = _guard!;
        ICmaAllocator allocator = guard.Allocator;
        bool placed = false;
        ulong at = 0;
        CmaAllocatorStats stats = default;
        Exception? statsFault = null;
        bool inStats = false; // which call threw: TryAllocate (fence) or Stats (a stats fault, checked below)
        try
        {
            using PluginCallScope call = PluginCallScope.Enter(this);
            placed = allocator.TryAllocate(size, alignment, out at);
            if (!_reentered)
            {
                inStats = true; // in the same plugin window: one thread-static round trip, one try
                stats = allocator.Stats;
            }
        }
        catch (Exception e)
        {
            if (!inStats)
                return FenceAllocateThrew(size, alignment, e);
            statsFault = e;
        }
        if (_reentered)
            return FenceReentered("TryAllocate");
        if (!placed)
        {
            // A failure at the granule's alignment of at most the largest free block the stats claim is a lie in one of them.
            if (StatsHold(guard, stats, statsFault) && (size > stats.LargestFreeBlock || alignment != Info.Granule))
                return RegionAllocateResult.NoSpace;
            return FenceFailedAllocate(size, alignment, stats, statsFault);
        }
        if (!Info.Contains(at, size) || (at & (alignment - 1)) != 0)
            return FenceAllocateResult(size, alignment, at, guard.RangeFault(at, size, alignment)!);
        if (size > _largestFreeBlock)
            return FenceUnderstatedLargest(size, alignment, at);
        if (!guard.TryRecord(at, new ChunkEntry(size, requested, owner)))
            return FenceAllocateResult(size, alignment, at, "overlaps a live chunk");
        if (!StatsHold(guard, stats, statsFault))
            return FenceStatsAfterPlace(guard, stats, statsFault, at, size, alignment);
        address = at;
        return RegionAllocateResult.Ok;
    }

    /// <summary>Frees the chunk that starts at <paramref name="address"/>: the plugin's range (unless the region is fenced),
    /// then the chunk's bytes, whose guard zone is checked (<paramref name="overrun"/>, null when intact). Caller holds
    /// <see cref="Sync"/>. Returns false (and changes nothing) when no live chunk starts there.</summary>
    public bool TryFree(ulong address, out CmaGuardOverrun? overrun)
    {
        overrun = null;
        AllocatorGuard? guard = _guard;
        if (guard is null || !guard.TryForget(address, out ChunkEntry entry))
        {
            if (TryFreeHostPlaced(address, out overrun))
            {
                PublishMovableChange();
                return true;
            }
            _logger.LogWarning("Free of 0x{Address:X} in region {Region}: no chunk starts at this address; nothing changed.", address, Info.Name);
            return false;
        }
        if (State != RegionState.Active)
        {
            int version = BeginChange();
            _freesWhileFenced++;
            EndChange(version);
        }
        else
        {
            FreeInPlugin(guard, address, entry.Size);
        }
        if (_space is { } space)
            ForgetMovableRange(space, address, entry.Size);
        if (Journal is { } journal)
            JournalFree(journal, address);
        if (Memory is { } memory)
            overrun = ReleaseBytes(memory, address, entry);
        return true;
    }

    /// <summary>The guard overrun of a chunk whose bytes were just released, or null when its guard zone is intact.</summary>
    private CmaGuardOverrun? ReleaseBytes(RegionMemory memory, ulong address, in ChunkEntry entry)
    {
        (ulong first, ulong changed) = memory.Release(address, entry.Requested, entry.Size);
        return changed == 0 ? null : new CmaGuardOverrun
        {
            Region = Info.Name, Address = address, Size = entry.Requested, Owner = OwnerName(entry.Owner),
            FirstOverwrittenOffset = first, OverwrittenBytes = changed,
        };
    }

    /// <summary>Returns a live chunk's range to the plugin and checks the stats after it, fencing the region on a fault.</summary>
    private void FreeInPlugin(AllocatorGuard guard, ulong address, ulong size)
    {
        ICmaAllocator allocator = guard.Allocator;
        CmaAllocatorStats stats = default;
        Exception? statsFault = null;
        bool inStats = false; // which call threw: Free (fence) or Stats (a stats fault, checked below)
        try
        {
            using PluginCallScope call = PluginCallScope.Enter(this);
            allocator.Free(address, size);
            if (!_reentered)
            {
                inStats = true; // in the same plugin window: one thread-static round trip, one try
                stats = allocator.Stats;
            }
        }
        catch (Exception e)
        {
            if (!inStats)
            {
                FenceFreeThrew(address, size, e);
                return;
            }
            statsFault = e;
        }
        if (_reentered)
            FenceReentered("Free");
        else if (!StatsHold(guard, stats, statsFault))
            Fence(guard.StatsFaultAfter(stats, statsFault, "Free(0x{0:X}, {1})", address, size, 0));
    }
}
