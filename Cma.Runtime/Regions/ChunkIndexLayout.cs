namespace Cma.Runtime.Regions;

/// <summary>What each layout of the <see cref="ChunkIndex"/> does (see there).</summary>
internal abstract class ChunkIndexLayout
{
    /// <summary>Live chunks.</summary>
    public long Count { get; protected set; }

    /// <summary>The sum of the live chunks' sizes (what the host's accounting of a reusable region checks).</summary>
    public ulong Bytes { get; protected set; }

    /// <summary>Records a chunk that lies inside the region unless it overlaps a live one: the live predecessor (last start
    /// &lt; start) reaching past <paramref name="start"/>, or a live chunk beginning before the new chunk's end. Because
    /// live chunks are disjoint, these two decide it: a range that starts inside a chunk, equals one, or encloses one is
    /// caught. Returns false, changing nothing, on an overlap.</summary>
    public abstract bool TryInsert(ulong start, ChunkEntry entry);

    /// <summary>Removes the chunk that starts at <paramref name="start"/>, if any.</summary>
    public abstract bool Remove(ulong start, out ChunkEntry entry);

    /// <summary>Calls <paramref name="visit"/> for every live chunk in start order (the index must not change meanwhile).</summary>
    public abstract void ForEach(Action<ulong, ChunkEntry> visit);

    /// <summary>Whether [start, start + size), inside the region, overlaps a live chunk (the check of
    /// <see cref="TryInsert"/> without the insert): the guard's check of a range the host chose itself, such as a
    /// migration's destination.</summary>
    public abstract bool Overlaps(ulong start, ulong size);

    /// <summary>Appends to <paramref name="into"/> the starts of the live chunks that overlap [start, start + size) (inside
    /// the region), ascending: the predecessor when it reaches into the range, then every chunk that starts inside it.</summary>
    public abstract void CollectOverlapping(ulong start, ulong size, List<ulong> into);

    /// <summary>The chunk that starts at <paramref name="start"/>, if any.</summary>
    public abstract bool TryGet(ulong start, out ChunkEntry entry);
}
