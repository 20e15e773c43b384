using System.Diagnostics;

namespace Cma.Runtime.Regions;

/// <summary>The read-only queries of the index (see <see cref="ChunkIndex"/>): overlap, the chunks a range overlaps, one
/// chunk by its start.</summary>
internal sealed partial class BucketChunkIndex
{
    /// <summary>Whether [start, start + size), inside the region, overlaps a live chunk (the check of
    /// <see cref="TryInsert"/> without the insert): the guard's check of a range the host chose itself, such as a
    /// migration's destination.</summary>
    public override bool Overlaps(ulong start, ulong size)
    {
        Debug.Assert(start - _start < _size && size <= _size - (start - _start), "the range lies inside the region");
        int b = BucketOf(start);
        return OverlapsAt(b, IndexIn(ref _buckets[b], start), start, size);
    }

    /// <summary>Appends to <paramref name="into"/> the starts of the live chunks that overlap [start, start + size) (inside
    /// the region), ascending: the predecessor when it reaches into the range, then every chunk that starts inside it.
    /// O(1) to find the first (as <see cref="Overlaps"/>) plus O(1) per chunk found and per bucket crossed.</summary>
    public override void CollectOverlapping(ulong start, ulong size, List<ulong> into)
    {
        Debug.Assert(start - _start < _size && size <= _size - (start - _start), "the range lies inside the region");
        int b = BucketOf(start);
        int i = IndexIn(ref _buckets[b], start);
        ulong offset = start - _start, endOffset = offset + size;
        if (i > 0)
        {
            IndexedChunk before = ChunkAt(ref _buckets[b], i - 1);
            if (EndOf(before) > offset)
                into.Add(before.Start);
        }
        else if (_nonEmpty.Previous(b - 1) is int previous and >= 0 && _buckets[previous].LastEnd > offset)
        {
            into.Add(ChunkAt(ref _buckets[previous], _buckets[previous].Count - 1).Start);
        }
        for (; b >= 0; b = _nonEmpty.Next(b + 1), i = 0)
        {
            for (; i < _buckets[b].Count; i++)
            {
                IndexedChunk chunk = ChunkAt(ref _buckets[b], i);
                if (chunk.Start - _start >= endOffset)
                    return;
                into.Add(chunk.Start);
            }
            if ((ulong)(b + 1) << _bucketShift >= endOffset)
                return;
        }
    }

    /// <summary>The chunk that starts at <paramref name="start"/>, if any.</summary>
    public override bool TryGet(ulong start, out ChunkEntry entry)
    {
        if (start - _start < _size)
        {
            ref ChunkBucket bucket = ref _buckets[BucketOf(start)];
            int i = IndexIn(ref bucket, start);
            if (i < bucket.Count && ChunkAt(ref bucket, i) is var chunk && chunk.Start == start)
            {
                entry = chunk.Entry;
                return true;
            }
        }
        entry = default;
        return false;
    }
}
