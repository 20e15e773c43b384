using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime.Regions;

/// <summary>
/// One configured region: its address range, its allocator plugin instance, the lock that serialises calls
/// into that instance, and the host's own registry of live chunks (the guard). Every plugin result is
/// verified before it is handed out — inside the region, aligned, no overlap with the live neighbours, and
/// free bytes equal to the region size minus what the live chunks reserve per the plugin's traits. A plugin
/// that breaks this, throws, or calls back into the host from inside a call fences the region: the result
/// is discarded, the fault is logged and counted, and the plugin is never called again until the region is
/// empty and reopened with a fresh allocator.
/// Concurrency: callers hold <see cref="Sync"/> around every method that mutates (the service does).
/// </summary>
internal sealed partial class Region
{
    /// <summary>Per thread, a box holding the region whose plugin this thread is inside, or null: detects a plugin calling
    /// back into the host (a <c>lock</c> is re-entrant and would let it through). A box (created once per thread) so that an
    /// operation reads the thread-static slot once (<see cref="EnterHost"/>) and then marks and unmarks with plain field
    /// writes; only its own thread ever touches a box.</summary>
    [ThreadStatic]
    private static StrongBox<Region?>? t_insidePlugin;

    /// <summary>Set when this region's plugin called back into the host during the current call.</summary>
    private bool _reentered;

    /// <summary>Sum of <see cref="CmaAllocatorTraits.ReservedBytes"/> over the live chunks.</summary>
    private ulong _reserved;

    /// <summary>The owner (device/type) table: index 0 is "no owner".</summary>
    private readonly List<string> _owners = [""];

    /// <summary>Owner text → index in <see cref="_owners"/>.</summary>
    private readonly Dictionary<(string Device, string Type), int> _ownerIndex = [];

    /// <summary>log2 of the traits' unit when it is a power of two (always, for the first-party plugins), else -1: lets
    /// <see cref="Reserved"/> shift instead of dividing.</summary>
    private int _unitShift = -1;

    /// <summary>Granule - 1: a size or address is a multiple of the granule when it has none of these bits.</summary>
    private readonly ulong _granuleMask;

    /// <summary>log2 of the granule (a power of two): free bytes shifted right by it are the free granules.</summary>
    private readonly int _granuleShift;

    /// <summary>Whether the traits promise one free block covering the region when nothing is allocated, on a region their
    /// unit tiles (the stats check holds them to it).</summary>
    private bool _emptyIsOneBlock;

    /// <summary>The device string of the last <see cref="OwnerIndex"/> lookup, compared by reference: a caller that passes
    /// the same device and type strings again skips the dictionary.</summary>
    private string? _lastDevice;

    /// <summary>The type string of the last <see cref="OwnerIndex"/> lookup (see <see cref="_lastDevice"/>).</summary>
    private string? _lastType;

    /// <summary>The owner index of <see cref="_lastDevice"/>/<see cref="_lastType"/>.</summary>
    private int _lastOwner;

    /// <summary>Logs faults and frees of unknown addresses.</summary>
    private readonly ILogger _logger;

    public Region(CmaRegion info, ulong alignment, string allocatorName, ICmaAllocatorProvider? provider, IConfiguration settings, ILogger logger)
    {
        Info = info;
        Chunks = new ChunkIndex(info.Start, info.Size, info.Granule);
        _granuleMask = info.Granule - 1;
        _granuleShift = System.Numerics.BitOperations.TrailingZeroCount(info.Granule);
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
    public string AllocatorName { get; }

    /// <summary>The provider that creates this region's allocators (null if it failed to load).</summary>
    public ICmaAllocatorProvider? Provider { get; }

    /// <summary>The region's plugin settings section.</summary>
    public IConfiguration Settings { get; }

    /// <summary>The region's bytes (its start is the mapping's base), or null when it is address space only.</summary>
    public Memory.RegionMemory? Memory { get; init; }

    /// <summary>Serialises every call into the allocator and every registry change.</summary>
    public Lock Sync { get; } = new();

    /// <summary>The current allocator instance; null until created or when creation failed.</summary>
    public ICmaAllocator? Allocator { get; private set; }

    /// <summary>The allocator's traits, read once at creation.</summary>
    public CmaAllocatorTraits Traits { get; private set; }

    /// <summary>The live chunks.</summary>
    public ChunkIndex Chunks { get; }

    /// <summary>Bytes the live chunks reserve, per the allocator's traits.</summary>
    public ulong ReservedBytes => _reserved;

    /// <summary>A request as this region's plugin must receive it: the size rounded up to the granule, the alignment
    /// raised to at least the granule (0 means the granule). The caller has checked that neither overflows.</summary>
    public (ulong Size, ulong Alignment) Normalize(ulong size, ulong alignment)
    {
        ulong granule = Info.Granule;
        return ((size + granule - 1) & ~(granule - 1), alignment < granule ? granule : alignment);
    }

    /// <summary>Asks the plugin for a range and verifies it. Caller holds <see cref="Sync"/>; <paramref name="size"/> and
    /// <paramref name="alignment"/> are already normalised to this region's granule.</summary>
    public RegionAllocateResult TryAllocate(ulong size, ulong alignment, int owner, out ulong address) =>
        TryAllocate(size, alignment, owner, InsideBox(), out address);

    /// <summary><see cref="TryAllocate(ulong, ulong, int, out ulong)"/> with this thread's plugin-call box, as returned by
    /// <see cref="EnterHost"/>.</summary>
    public RegionAllocateResult TryAllocate(ulong size, ulong alignment, int owner, StrongBox<Region?> inside, out ulong address)
    {
        Debug.Assert(inside == t_insidePlugin, "the box is this thread's");
        address = 0;
        if (State != RegionState.Active)
            return RegionAllocateResult.Fenced;
        if (size > Info.Size)
            return RegionAllocateResult.NoSpace;
        ICmaAllocator allocator = Allocator!;
        bool placed = false;
        ulong at = 0;
        CmaAllocatorStats stats = default;
        Exception? statsFault = null;
        bool inStats = false; // which call threw: TryAllocate (fence) or Stats (a stats fault, checked below)
        Region? outer = inside.Value;
        inside.Value = this;
        try
        {
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
            {
                FenceAllocateThrew(size, alignment, e);
                return RegionAllocateResult.Fenced;
            }
            statsFault = e;
        }
        finally
        {
            inside.Value = outer;
        }
        if (_reentered)
        {
            Fence("the plugin called back into the Cma host from inside TryAllocate");
            return RegionAllocateResult.Fenced;
        }
        if (!placed)
        {
            // A failure at the granule's alignment of at most the largest free block the stats claim is a lie in one of them.
            if (StatsHold(stats, statsFault) && (size > stats.LargestFreeBlock || alignment != Info.Granule))
                return RegionAllocateResult.NoSpace;
            FenceFailedAllocate(size, alignment, stats, statsFault);
            return RegionAllocateResult.Fenced;
        }
        if (!Info.Contains(at, size) || (at & (alignment - 1)) != 0)
        {
            FenceAllocateResult(size, alignment, at, RangeFault(at, size, alignment)!);
            return RegionAllocateResult.Fenced;
        }
        if (size > _largestFreeBlock)
        {
            FenceUnderstatedLargest(size, alignment, at);
            return RegionAllocateResult.Fenced;
        }
        if (!Chunks.TryInsert(at, new ChunkEntry(size, owner)))
        {
            FenceAllocateResult(size, alignment, at, "overlaps a live chunk");
            return RegionAllocateResult.Fenced;
        }
        ulong reserved = Reserved(size);
        _reserved += reserved;
        if (!StatsHold(stats, statsFault))
        {
            string reason = StatsFaultAfter(stats, statsFault, "TryAllocate({1}, {2}) at 0x{0:X}", at, size, alignment);
            Chunks.Remove(at, out _);
            _reserved -= reserved;
            Fence(reason);
            return RegionAllocateResult.Fenced;
        }
        address = at;
        return RegionAllocateResult.Ok;
    }

    /// <summary>Frees the chunk that starts at <paramref name="address"/>. Caller holds <see cref="Sync"/>.
    /// Returns false (and changes nothing) when no live chunk starts there.</summary>
    public bool TryFree(ulong address, out ChunkEntry entry) => TryFree(address, InsideBox(), out entry);

    /// <summary><see cref="TryFree(ulong, out ChunkEntry)"/> with this thread's plugin-call box, as returned by
    /// <see cref="EnterHost"/>.</summary>
    public bool TryFree(ulong address, StrongBox<Region?> inside, out ChunkEntry entry)
    {
        Debug.Assert(inside == t_insidePlugin, "the box is this thread's");
        if (!Chunks.Remove(address, out entry))
        {
            _logger.LogWarning("Free of 0x{Address:X} in region {Region}: no chunk starts at this address; nothing changed.", address, Info.Name);
            return false;
        }
        _reserved -= Reserved(entry.Size);
        if (State != RegionState.Active)
        {
            int version = BeginChange();
            _freesWhileFenced++;
            EndChange(version);
            return true;
        }
        ICmaAllocator allocator = Allocator!;
        CmaAllocatorStats stats = default;
        Exception? statsFault = null;
        bool inStats = false; // which call threw: Free (fence) or Stats (a stats fault, checked below)
        Region? outer = inside.Value;
        inside.Value = this;
        try
        {
            allocator.Free(address, entry.Size);
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
                FenceFreeThrew(address, entry.Size, e);
                return true;
            }
            statsFault = e;
        }
        finally
        {
            inside.Value = outer;
        }
        if (_reentered)
            Fence("the plugin called back into the Cma host from inside Free");
        else if (!StatsHold(stats, statsFault))
            Fence(StatsFaultAfter(stats, statsFault, "Free(0x{0:X}, {1})", address, entry.Size, 0));
        return true;
    }
}
