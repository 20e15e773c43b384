using Cma.Runtime.Memory;
using Cma.Runtime.Regions;

namespace Cma.Runtime;

/// <summary>
/// A movable chunk (<see cref="ICmaService.AllocateMovable"/>): memory the host may move while nobody has it pinned. In a
/// reusable region it borrows space the region's plugin considers free, and a contiguous request placed over it migrates
/// it first (to other free space of the region, else to the next region of its map list); a discardable one
/// (<see cref="IsDiscardable"/>) may be dropped instead, after which it reports <see cref="IsDiscarded"/>. Its bytes
/// are reachable only through a <see cref="CmaPin"/> (<see cref="Pin"/>, <see cref="PinLongTerm"/>): a pinned chunk never
/// moves. <see cref="Dispose"/> frees it (once; never throws; allowed for a discarded chunk).
/// </summary>
/// <remarks>Thread safety: every member may be called from any thread. <see cref="Address"/> read while unpinned may be
/// stale by the time it is used; pin to hold it still. A pin keeps the chunk in place, not alive: freeing a pinned
/// chunk frees it, and its pins then throw <see cref="ObjectDisposedException"/>.</remarks>
public sealed class CmaMovableChunk : IDisposable
{
    /// <summary><see cref="_state"/>: the chunk is live.</summary>
    internal const int Live = 0;

    /// <summary><see cref="_state"/>: freed (by <see cref="Dispose"/> or by address) or its host disposed.</summary>
    internal const int Freed = 1;

    /// <summary><see cref="_state"/>: dropped to make room; its space is free, the handle stays until freed.</summary>
    internal const int Dropped = 2;

    /// <summary>The host that frees and pins it.</summary>
    private readonly IMovableChunkHost _host;

    /// <summary>Live, freed or discarded; changed under the current region's lock.</summary>
    private int _state;

    /// <summary>Outstanding pins; changed only under the region's lock (so a migration that sees 0 there moves an
    /// unpinned chunk, and the region's pinned-chunk count stays exact).</summary>
    private int _pins;

    /// <summary>The current region; changed under the locks of both regions.</summary>
    private Region _region;

    /// <summary>The current address; changed under the region's lock, only while unpinned.</summary>
    private ulong _address;

    internal CmaMovableChunk(IMovableChunkHost host, Region region, ulong address, ulong size, ulong requested, ulong alignment,
        int owner, string device, string type, bool discardable, Region[] candidates)
    {
        Device = device;
        Type = type;
        _host = host;
        _region = region;
        _address = address;
        PlacedSize = size;
        Size = requested;
        Alignment = alignment;
        OwnerIndex = owner;
        Owner = device.Length == 0 ? "" : type.Length == 0 ? device : device + "/" + type;
        IsDiscardable = discardable;
        Candidates = candidates;
    }

    /// <summary>The chunk's current first byte (a real address in a backed region). Changes when the host moves it; a
    /// pinned chunk does not move.</summary>
    public ulong Address => Volatile.Read(ref _address);

    /// <summary>The bytes the caller asked for.</summary>
    public ulong Size { get; }

    /// <summary>The name of the region it is in now.</summary>
    public string Region => Volatile.Read(ref _region).Info.Name;

    /// <summary>The device/type that allocated it ("pagecache/common"); empty for allocations from named regions.</summary>
    public string Owner { get; }

    /// <summary>Whether the host may drop it (a cache its owner can rebuild) instead of failing a contiguous request.</summary>
    public bool IsDiscardable { get; }

    /// <summary>Whether the host dropped it: its bytes are gone and it cannot be pinned (dispose it).</summary>
    public bool IsDiscarded => Volatile.Read(ref _state) == Dropped;

    /// <summary>Whether it was freed (disposed, freed by address, or its host disposed).</summary>
    public bool IsFreed => Volatile.Read(ref _state) == Freed;

    /// <summary>Outstanding pins (short and long-term).</summary>
    public int PinCount => Volatile.Read(ref _pins);

    /// <summary>What stands behind its region.</summary>
    public CmaBacking Backing => Volatile.Read(ref _region).Memory?.Backing ?? CmaBacking.None;

    /// <summary>Pins the chunk where it is and returns the pin (dispose it to unpin; pins nest). Throws
    /// <see cref="CmaException"/> (<see cref="CmaOutcome.Discarded"/>) for a discarded chunk and
    /// <see cref="ObjectDisposedException"/> for a freed one.</summary>
    public CmaPin Pin() => PinChecked(longTerm: false);

    /// <summary>A long-term pin: first moves the chunk out of a reusable region into a region of its map list that is not
    /// reusable, when one has room (so long pins do not defeat the region), then pins it. Throws as <see cref="Pin"/>.</summary>
    public CmaPin PinLongTerm() => PinChecked(longTerm: true);

    /// <summary>Pins the chunk: <see cref="CmaOutcome.Ok"/> with the pin, <see cref="CmaOutcome.Discarded"/> when it was
    /// dropped, <see cref="CmaOutcome.NotFound"/> when it was freed.</summary>
    public CmaOutcome TryPin(bool longTerm, out CmaPin? pin) => _host.TryPin(this, longTerm, out pin);

    /// <summary>Frees the chunk (a discarded one too); later calls do nothing. Never throws.</summary>
    public void Dispose() => _host.FreeMovable(this);

    /// <inheritdoc/>
    public override string ToString() =>
        $"movable 0x{Address:X}+{Size} in {Region}{(IsDiscarded ? " (discarded)" : IsFreed ? " (freed)" : PinCount > 0 ? $" ({PinCount} pin(s))" : "")}";

    private CmaPin PinChecked(bool longTerm)
    {
        CmaOutcome outcome = _host.TryPin(this, longTerm, out CmaPin? pin);
        return outcome switch
        {
            CmaOutcome.Ok => pin!,
            CmaOutcome.Discarded => throw new CmaException(outcome,
                $"The discardable chunk of {Size} bytes owned by '{Owner}' was discarded to make room for a contiguous request: its bytes are gone. Rebuild it in a new chunk, and dispose this one."),
            _ => throw new ObjectDisposedException(nameof(CmaMovableChunk), $"The movable chunk of {Size} bytes owned by '{Owner}' was freed."),
        };
    }

    /// <summary>The size placed in the region (the request plus guard bytes, rounded to the granule).</summary>
    internal ulong PlacedSize { get; set; }

    /// <summary>The device that allocated it ("" for allocations from named regions).</summary>
    internal string Device { get; }

    /// <summary>The device's type ("" for allocations from named regions).</summary>
    internal string Type { get; }

    /// <summary>The alignment it was placed with (at least the granule); moves keep it.</summary>
    internal ulong Alignment { get; }

    /// <summary>Its owner's index in the current region's owner table.</summary>
    internal int OwnerIndex { get; set; }

    /// <summary>The regions of its map list (or named-region list), in order: where a migration may take it.</summary>
    internal Region[] Candidates { get; }

    /// <summary>Whether the host placed it in a reusable region's free space (true), or the region's plugin placed it like a
    /// contiguous chunk (false: a region that is not reusable; it never moves there).</summary>
    internal bool HostPlaced { get; set; }

    /// <summary>The current region, for the lock holder (and for lock-then-check loops).</summary>
    internal Region CurrentRegion => Volatile.Read(ref _region);

    /// <summary>The state (<see cref="Live"/>, <see cref="Freed"/>, <see cref="Dropped"/>).</summary>
    internal int State => Volatile.Read(ref _state);

    /// <summary>Records a move; caller holds the locks of both regions and has checked that the chunk is unpinned.</summary>
    internal void MoveTo(Region region, ulong address)
    {
        Volatile.Write(ref _address, address);
        Volatile.Write(ref _region, region);
    }

    /// <summary>Sets the state; caller holds the region's lock.</summary>
    internal void SetState(int state) => Volatile.Write(ref _state, state);

    /// <summary>Adds a pin; caller holds the region's lock and has checked the chunk is live.</summary>
    internal void AddPin() => Interlocked.Increment(ref _pins);

    /// <summary>Drops a pin (a <see cref="CmaPin"/>'s dispose), under the lock of the chunk's region (a pinned chunk does
    /// not move, so that region is stable while the pin is held).</summary>
    internal void RemovePin()
    {
        Region region = CurrentRegion;
        lock (region.Sync)
        {
            if (Interlocked.Decrement(ref _pins) == 0 && State == Live && region.Movables is { } space)
            {
                space.Pinned--;
                region.PublishMovableChange();
            }
        }
    }

    /// <summary>The region's bytes for a pin, or null for an address-space-only region.</summary>
    internal RegionMemory? Memory => Volatile.Read(ref _region).Memory;
}
