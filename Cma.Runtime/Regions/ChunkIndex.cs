using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Runtime.Regions;

/// <summary>
/// The live chunks of one region in start-address order: the host's own record of who owns what, against which every
/// plugin result is checked. Live chunks are disjoint, start on a granule and span whole granules (the region's checks
/// and the state readers ensure it before a chunk is entered).
/// Two layouts, chosen by the region's size in granules:
/// <list type="bullet">
/// <item><see cref="GranuleChunkIndex"/> (up to 2^24 granules, e.g. 64 GiB of 4 KiB pages): two marks per granule —
/// a chunk starts here, a chunk ends here — in one bitmap (≤ 4 MiB), plus a hash table of each chunk's owner and
/// requested size. An overlap check reads only the bitmap, a free finds the chunk's size in the bitmap and its owner in
/// the hash table at once: no read depends on another, so even at a million chunks an operation waits for about one
/// miss.</item>
/// <item><see cref="BucketChunkIndex"/> (larger regions): equal address buckets with a directory entry each; memory
/// bounded by the number of buckets, not of granules.</item>
/// </list>
/// The index holds one of them in a field of its own sealed type and calls it directly (no virtual call on the hot
/// path, nothing left to the JIT's profile-guided devirtualisation).
/// Not thread-safe: the region's lock guards it.
/// </summary>
internal sealed class ChunkIndex
{
    /// <summary>The most granules a region may have for the bitmap layout: 2^24 (its two marks per granule take 4 MiB).</summary>
    public const ulong MaxGranulesForMarks = 1UL << 24;

    /// <summary>The bitmap layout, or null.</summary>
    private readonly GranuleChunkIndex? _marks;

    /// <summary>The bucket layout, when <see cref="_marks"/> is null.</summary>
    private readonly BucketChunkIndex? _buckets;

    /// <summary>The empty index of a region of <paramref name="size"/> bytes from <paramref name="start"/> with granule
    /// <paramref name="granule"/> (a power of two dividing the start and the size): the bitmap layout when the region has at
    /// most <see cref="MaxGranulesForMarks"/> granules, the bucket layout otherwise.</summary>
    public ChunkIndex(ulong start, ulong size, ulong granule)
        : this(start, size, granule, BitOperations.IsPow2(granule) && ((start | size) & (granule - 1)) == 0 && size / granule <= MaxGranulesForMarks)
    {
    }

    /// <summary>The empty index of a region in the layout <paramref name="marks"/> asks for (the tests check both).</summary>
    internal ChunkIndex(ulong start, ulong size, ulong granule, bool marks)
    {
        if (marks)
            _marks = new GranuleChunkIndex(start, size, granule);
        else
            _buckets = new BucketChunkIndex(start, size, granule);
    }

    /// <summary>Whether the index keeps granule marks (else address buckets).</summary>
    public bool UsesMarks => _marks is not null;

    /// <summary>Live chunks.</summary>
    public long Count => _marks is { } m ? m.Count : _buckets!.Count;

    /// <summary>The sum of the live chunks' sizes (what the host's accounting of a reusable region checks).</summary>
    public ulong Bytes => _marks is { } m ? m.Bytes : _buckets!.Bytes;

    /// <inheritdoc cref="ChunkIndexLayout.TryInsert"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryInsert(ulong start, ChunkEntry entry) => _marks is { } m ? m.TryInsert(start, entry) : _buckets!.TryInsert(start, entry);

    /// <inheritdoc cref="ChunkIndexLayout.Remove"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Remove(ulong start, out ChunkEntry entry) => _marks is { } m ? m.Remove(start, out entry) : _buckets!.Remove(start, out entry);

    /// <inheritdoc cref="ChunkIndexLayout.ForEach"/>
    public void ForEach(Action<ulong, ChunkEntry> visit)
    {
        if (_marks is { } m)
            m.ForEach(visit);
        else
            _buckets!.ForEach(visit);
    }

    /// <inheritdoc cref="ChunkIndexLayout.Overlaps"/>
    public bool Overlaps(ulong start, ulong size) => _marks is { } m ? m.Overlaps(start, size) : _buckets!.Overlaps(start, size);

    /// <inheritdoc cref="ChunkIndexLayout.CollectOverlapping"/>
    public void CollectOverlapping(ulong start, ulong size, List<ulong> into)
    {
        if (_marks is { } m)
            m.CollectOverlapping(start, size, into);
        else
            _buckets!.CollectOverlapping(start, size, into);
    }

    /// <inheritdoc cref="ChunkIndexLayout.TryGet"/>
    public bool TryGet(ulong start, out ChunkEntry entry) => _marks is { } m ? m.TryGet(start, out entry) : _buckets!.TryGet(start, out entry);
}
