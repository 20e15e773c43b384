using System.Numerics;

namespace Cma.Runtime.Regions;

/// <summary>
/// The live chunks of one region in start-address order: the host's own record of who owns what, against which every
/// plugin result is checked. Live chunks are disjoint, start on a granule and span whole granules (the region's checks
/// and the state readers ensure it before a chunk is entered).
/// Two layouts, chosen by the region's size in granules (<see cref="For"/>):
/// <list type="bullet">
/// <item><see cref="GranuleChunkIndex"/> (up to 2^24 granules, e.g. 64 GiB of 4 KiB pages): two marks per granule —
/// a chunk starts here, a chunk ends here — in one bitmap (≤ 4 MiB), plus a hash table of each chunk's owner and
/// requested size. An overlap check reads only the bitmap, a free finds the chunk's size in the bitmap and its owner in
/// the hash table at once: no read depends on another, so even at a million chunks an operation waits for about one
/// miss.</item>
/// <item><see cref="BucketChunkIndex"/> (larger regions): equal address buckets with a directory entry each; memory
/// bounded by the number of buckets, not of granules.</item>
/// </list>
/// Not thread-safe: the region's lock guards it.
/// </summary>
internal abstract class ChunkIndex
{
    /// <summary>The most granules a region may have for the bitmap layout: 2^24 (its two marks per granule take 4 MiB).</summary>
    public const ulong MaxGranulesForMarks = 1UL << 24;

    /// <summary>The index for a region of <paramref name="size"/> bytes from <paramref name="start"/> with granule
    /// <paramref name="granule"/> (a power of two dividing the start and the size): the bitmap layout when the region has at
    /// most <see cref="MaxGranulesForMarks"/> granules, the bucket layout otherwise.</summary>
    public static ChunkIndex For(ulong start, ulong size, ulong granule) =>
        BitOperations.IsPow2(granule) && ((start | size) & (granule - 1)) == 0 && size / granule <= MaxGranulesForMarks
            ? new GranuleChunkIndex(start, size, granule)
            : new BucketChunkIndex(start, size, granule);

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
