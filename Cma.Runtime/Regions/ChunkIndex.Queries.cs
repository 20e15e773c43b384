using System.Diagnostics;

namespace Cma.Runtime.Regions;

/// <summary>The read-only queries of the index (see <see cref="ChunkIndex"/>): overlap, the chunks a range overlaps, one
/// chunk by its start.</summary>
internal sealed partial class ChunkIndex
{
    /// <summary>Whether [start, start + size), inside the region, overlaps a live chunk (the check of
    /// <see cref="TryInsert"/> without the insert): the guard's check of a range the host chose itself, such as a
    /// migration's destination.</summary>
    public bool Overlaps(ulong start, ulong size)
    {
        Debug.Assert(start - _start < _size && size <= _size - (start - _start), "the range lies inside the region");
        int b = BucketOf(start);
        return OverlapsAt(b, LowerBound(_buckets[b].Chunks, _buckets[b].Count, start), start, size);
    }

    /// <summary>Appends to <paramref name="into"/> the starts of the live chunks that overlap [start, start + size) (inside
    /// the region), ascending: the predecessor when it reaches into the range, then every chunk that starts inside it.
    /// O(1) to find the first (as <see cref="Overlaps"/>) plus O(1) per chunk found and per bucket crossed.</summary>
    public void CollectOverlapping(ulong start, ulong size, List<ulong> into)
    {
        Debug.Assert(start - _start < _size && size <= _size - (start - _start), "the range lies inside the region");
        int b = BucketOf(start);
        int i = LowerBound(_buckets[b].Chunks, _buckets[b].Count, start);
        ulong endOffset = start - _start + size;
        if (i > 0)
        {
            ref readonly IndexedChunk before = ref _buckets[b].Chunks![i - 1];
            if (before.Start - _start + before.Entry.Size > start - _start)
                into.Add(before.Start);
        }
        else if (PreviousNonEmpty(b - 1) is int previous and >= 0 && _buckets[previous].LastEnd > start - _start)
        {
            into.Add(_buckets[previous].Chunks![_buckets[previous].Count - 1].Start);
        }
        for (; b >= 0; b = NextNonEmpty(b + 1), i = 0)
        {
            IndexedChunk[]? chunks = _buckets[b].Chunks;
            for (; i < _buckets[b].Count; i++)
            {
                if (chunks![i].Start - _start >= endOffset)
                    return;
                into.Add(chunks[i].Start);
            }
            if ((ulong)(b + 1) << _bucketShift >= endOffset)
                return;
        }
    }

    /// <summary>The chunk that starts at <paramref name="start"/>, if any.</summary>
    public bool TryGet(ulong start, out ChunkEntry entry)
    {
        if (!Find(start, out int b, out int i))
        {
            entry = default;
            return false;
        }
        entry = _buckets[b].Chunks![i].Entry;
        return true;
    }
}
