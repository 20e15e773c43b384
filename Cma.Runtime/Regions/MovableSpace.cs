using System.Diagnostics;

namespace Cma.Runtime.Regions;

/// <summary>
/// A region's movable chunks, and — in a reusable region — the space they borrow: the region's gaps between host-placed
/// chunks, and the host-placed chunks in address order, so that the chunks a contiguous placement lands on are found in
/// O(1) plus O(1) per chunk.
/// In a region that is not reusable the plugin places movable chunks like contiguous ones (they never move there), and
/// only <see cref="ByAddress"/> is used.
/// Concurrency: used under the region's lock; the counters are also read (without it) by snapshots.
/// </summary>
internal sealed class MovableSpace
{
    /// <summary>The host-placed chunks in start order (reusable regions only): the same bucketed index the region keeps
    /// of its contiguous chunks, so that finding the chunks a placement lands on costs O(1) plus O(1) per chunk.</summary>
    private readonly ChunkIndex? _hostPlaced;

    /// <summary>Scratch lists for <see cref="CollectIn"/>.</summary>
    private readonly List<CmaMovableChunk> _scratch = [];

    /// <summary>Scratch starts for <see cref="CollectIn"/> and <see cref="AnyIn"/>.</summary>
    private readonly List<ulong> _starts = [];

    public MovableSpace(CmaRegion region, bool reusable, bool fromTop)
    {
        Reusable = reusable;
        FromTop = fromTop;
        if (reusable)
        {
            Gaps = new FreeGapTree(region.Start, region.Size);
            _hostPlaced = new ChunkIndex(region.Start, region.Size, region.Granule);
        }
    }

    /// <summary>Whether the region is reusable (lends its free space to movable chunks).</summary>
    public bool Reusable { get; }

    /// <summary>Whether movable chunks are placed from the region's top down (else from its bottom up).</summary>
    public bool FromTop { get; }

    /// <summary>The region minus its host-placed chunks (reusable regions only): where a movable chunk may go as far as
    /// other movable chunks are concerned. Contiguous chunks are not in it — they change on the hot path, movable chunks
    /// do not — so a host placement also steps over the contiguous chunks in the region's registry
    /// (<see cref="Region"/>'s FindRoom).</summary>
    public FreeGapTree? Gaps { get; }

    /// <summary>Every live (or discarded but not yet forgotten) movable chunk of the region by its current address.</summary>
    public Dictionary<ulong, CmaMovableChunk> ByAddress { get; } = [];

    /// <summary>The host-placed discardable chunks (the candidates for dropping).</summary>
    public HashSet<CmaMovableChunk> Discardables { get; } = [];

    /// <summary>Host-placed chunks.</summary>
    public long HostPlacedCount => _hostPlaced?.Count ?? 0;

    /// <summary>Live movable chunks (both kinds of placement).</summary>
    public long Count;

    /// <summary>Bytes they occupy (placed sizes).</summary>
    public ulong Bytes;

    /// <summary>Live chunks with at least one pin.</summary>
    public long Pinned;

    /// <summary>Moves made (migrations, compaction, long-term pins) out of this region, and their bytes.</summary>
    public long Migrations;

    /// <summary>Bytes moved out of (or within) this region.</summary>
    public ulong MigratedBytes;

    /// <summary>Discardable chunks dropped.</summary>
    public long Discarded;

    /// <summary>Contiguous requests that failed because of movable chunks, by reason: pinned, no room, mover failed.</summary>
    public long FailedPinned, FailedNoRoom, FailedMover;

    /// <summary>Places a host-placed chunk's record (its range is already occupied in <see cref="Gaps"/>).</summary>
    public void AddHostPlaced(CmaMovableChunk chunk, ulong address)
    {
        Debug.Assert(_hostPlaced is not null);
        ByAddress.Add(address, chunk);
        bool added = _hostPlaced!.TryInsert(address, new ChunkEntry(chunk.PlacedSize, chunk.Size, 0));
        Debug.Assert(added, "host-placed chunks are disjoint");
        chunk.HostPlaced = true;
        if (chunk.IsDiscardable)
            Discardables.Add(chunk);
        Count++;
        Bytes += chunk.PlacedSize;
    }

    /// <summary>Records a chunk the plugin placed.</summary>
    public void AddPluginPlaced(CmaMovableChunk chunk, ulong address)
    {
        ByAddress.Add(address, chunk);
        chunk.HostPlaced = false;
        Count++;
        Bytes += chunk.PlacedSize;
    }

    /// <summary>Forgets the chunk at <paramref name="address"/> (either placement); its range is not released here.</summary>
    public void Remove(CmaMovableChunk chunk, ulong address)
    {
        if (chunk.PinCount > 0 && chunk.State == CmaMovableChunk.Live)
            Pinned--;   // freed (or moved away) while pinned: it no longer counts here
        bool removed = ByAddress.Remove(address);
        Debug.Assert(removed, "the chunk was recorded at its address");
        if (chunk.HostPlaced)
        {
            _hostPlaced!.Remove(address, out _);
            Discardables.Remove(chunk);
        }
        Count--;
        Bytes -= chunk.PlacedSize;
    }

    /// <summary>Whether a host-placed chunk overlaps [start, start + size) (inside the region).</summary>
    public bool AnyIn(ulong start, ulong size) => _hostPlaced is { Count: > 0 } index && index.Overlaps(start, size);

    /// <summary>The host-placed chunks that overlap [start, start + size), ascending by address. The list is reused by the
    /// next call.</summary>
    public List<CmaMovableChunk> CollectIn(ulong start, ulong size)
    {
        _scratch.Clear();
        _starts.Clear();
        _hostPlaced!.CollectOverlapping(start, size, _starts);
        foreach (ulong at in _starts)
            _scratch.Add(ByAddress[at]);
        return _scratch;
    }

    /// <summary>The host-placed chunks in address order (a copy: callers move them).</summary>
    public CmaMovableChunk[] HostPlacedInOrder()
    {
        if (_hostPlaced is null)
            return [];
        var chunks = new List<CmaMovableChunk>((int)_hostPlaced.Count);
        _hostPlaced.ForEach((at, _) => chunks.Add(ByAddress[at]));
        return [.. chunks];
    }
}

/// <summary>A region's movable-chunk counters as of one moment (published whole, read without the lock).</summary>
internal sealed record MovableCounters(long Chunks, ulong Bytes, long HostPlaced, long Pinned, long Migrations, ulong MigratedBytes,
    long Discarded, long FailedPinned, long FailedNoRoom, long FailedMover)
{
    /// <summary>The counters of <paramref name="space"/> now. Caller holds the region's lock.</summary>
    public static MovableCounters Of(MovableSpace space) => new(space.Count, space.Bytes, space.HostPlacedCount, space.Pinned,
        space.Migrations, space.MigratedBytes, space.Discarded, space.FailedPinned, space.FailedNoRoom, space.FailedMover);
}
