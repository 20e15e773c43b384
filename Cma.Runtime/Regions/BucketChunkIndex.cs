using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cma.Runtime.Regions;

/// <summary>
/// The <see cref="ChunkIndex"/> of a region with more than <see cref="ChunkIndex.MaxGranulesForMarks"/> granules, where
/// two marks per granule would cost too much: memory bounded by the number of buckets, however large the region.
/// Algorithm: the region is cut into equal address buckets of 2^<see cref="_bucketShift"/> bytes (at least 64 granules;
/// more when needed to keep at most 2^18 buckets), and each bucket keeps the chunks that start in it: one inline, in its
/// directory entry (<see cref="ChunkBucket"/>), two or more in a small array sorted by start; the entry also keeps the
/// bucket's edges (its first start and last end), so that a neighbouring bucket is checked from the directory alone.
/// (On the peer harness's main trace most buckets hold zero or one chunk, and the array was a second, scattered cache
/// miss on every operation.) A <see cref="SummarizedBitmap"/> of non-empty buckets finds the nearest non-empty bucket on either side with a few
/// bit scans, so the live predecessor and successor of any address — which decide an overlap, since live chunks are
/// disjoint — are found without walking.
/// Invariants: chunks are disjoint; bucket b holds exactly the chunks whose start lies in it, ascending; bit b of the
/// bitmap is set exactly when bucket b is non-empty, and a summary bit exactly when its bitmap word is non-zero.
/// Complexity: lookup, insert, remove and the overlap check are O(1) in the number of live chunks — one bucket search and
/// a memmove inside one bucket (at most 64 chunks when a bucket is 64 granules) plus bit scans — so the cost does not grow
/// from 1K to 10M chunks. Memory: 32 bytes per chunk slot in the bucket arrays of buckets that have held two chunks (the
/// arrays grow by doubling and are kept when they shrink, so steady allocate/free allocates nothing) plus 40 bytes per
/// bucket (≤ 10 MiB per region).
/// Not thread-safe: the region's lock guards it.
/// </summary>
internal sealed partial class BucketChunkIndex : ChunkIndexLayout
{
    /// <summary>At most 2^18 buckets per region: the directory stays ≤ 10 MiB however large the region is.</summary>
    private const int MaxBucketCountLog2 = 18;

    /// <summary>A bucket spans at least 2^6 granules, so a bucket holds at most 64 chunks unless the region is huge.</summary>
    private const int MinGranulesPerBucketLog2 = 6;

    /// <summary>The region's first address; bucket b covers offsets [b·2^shift, (b+1)·2^shift) from it.</summary>
    private readonly ulong _start;

    /// <summary>The region's size in bytes: an address is inside when <c>address − _start &lt; _size</c>.</summary>
    private readonly ulong _size;

    /// <summary>log2 of a bucket's size in bytes.</summary>
    private readonly int _bucketShift;

    /// <summary>Per bucket, its chunks ascending by start and their count.</summary>
    private readonly ChunkBucket[] _buckets;

    /// <summary>Bit b is set exactly when bucket b holds a chunk.</summary>
    private SummarizedBitmap _nonEmpty;

    /// <summary>Creates the empty index of a region.</summary>
    /// <param name="start">The region's start.</param>
    /// <param name="size">The region's size in bytes (positive).</param>
    /// <param name="granule">The region's granule (a power of two).</param>
    public BucketChunkIndex(ulong start, ulong size, ulong granule)
    {
        Debug.Assert(size > 0 && BitOperations.IsPow2(granule));
        _start = start;
        _size = size;
        int sizeLog2 = 64 - BitOperations.LeadingZeroCount(size - 1); // ceil(log2 size); 0 for size 1
        _bucketShift = Math.Min(63, Math.Max(BitOperations.TrailingZeroCount(granule) + MinGranulesPerBucketLog2, sizeLog2 - MaxBucketCountLog2));
        int bucketCount = (int)((size - 1) >> _bucketShift) + 1;
        _buckets = new ChunkBucket[bucketCount];
        _nonEmpty = new SummarizedBitmap(bucketCount);
    }


    /// <summary>Records a chunk that lies inside the region unless it overlaps a live one: the live predecessor (last start
    /// &lt; start) reaching past <paramref name="start"/>, or the live successor (first start ≥ start) beginning before
    /// the chunk's end. Because live chunks are disjoint, these two neighbours decide it: a range that starts inside a
    /// chunk, equals one, or encloses one is caught. One search for both. Returns false, changing nothing, on an overlap.</summary>
    public override bool TryInsert(ulong start, ChunkEntry entry)
    {
        Debug.Assert(start - _start < _size && entry.Size <= _size - (start - _start), "the chunk lies inside the region");
        int b = BucketOf(start);
        int i = IndexIn(ref _buckets[b], start);
        if (OverlapsAt(b, i, start, entry.Size))
            return false;
        InsertAt(b, i, start, entry);
        return true;
    }

    /// <summary>Removes the chunk that starts at <paramref name="start"/>, if any.</summary>
    public override bool Remove(ulong start, out ChunkEntry entry)
    {
        ulong offset = start - _start;
        entry = default;
        if (offset >= _size)
            return false; // outside the region (below its start the subtraction wraps)
        int b = (int)(offset >> _bucketShift);
        ref ChunkBucket bucket = ref _buckets[b];
        int n = bucket.Count;
        if (n == 1)
        {
            if (bucket.FirstStart != offset)
                return false;
            entry = new ChunkEntry(bucket.LastEnd - offset, bucket.OnlyRequested, bucket.OnlyOwner);
            bucket.Count = 0;
            _nonEmpty.Clear(b);
        }
        else
        {
            int i = LowerBound(bucket.Chunks, n, start);
            if (i == n || bucket.Chunks![i].Start != start)
                return false;
            IndexedChunk[] chunks = bucket.Chunks;
            entry = chunks[i].Entry;
            ShiftDown(chunks, i, n);
            bucket.Count = n - 1;
            // Keep the edges (the array's lines are in cache now); a bucket left with one chunk keeps it inline.
            ref readonly IndexedChunk first = ref chunks[0];
            bucket.FirstStart = first.Start - _start;
            bucket.LastEnd = EndOf(chunks[n - 2]);
            if (n == 2)
                (bucket.OnlyRequested, bucket.OnlyOwner) = (first.Entry.Requested, first.Entry.Owner);
        }
        Count--;
        Bytes -= entry.Size;
        return true;
    }

    /// <summary>Calls <paramref name="visit"/> for every live chunk in start order.</summary>
    public override void ForEach(Action<ulong, ChunkEntry> visit)
    {
        for (int b = _nonEmpty.Next(0); b >= 0; b = _nonEmpty.Next(b + 1))
        {
            for (int i = 0; i < _buckets[b].Count; i++)
            {
                IndexedChunk chunk = ChunkAt(ref _buckets[b], i);
                visit(chunk.Start, chunk.Entry);
            }
        }
    }

    /// <summary>The bucket holding <paramref name="address"/>, which lies inside the region.
    /// E.g. start 0x4000_0000, 256 KiB buckets (shift 18): 0x4004_1000 → bucket 1.</summary>
    private int BucketOf(ulong address) => (int)((address - _start) >> _bucketShift);

    /// <summary>Chunk <paramref name="i"/> of <paramref name="bucket"/>: its only chunk, kept inline, or one of its array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private IndexedChunk ChunkAt(ref ChunkBucket bucket, int i) => bucket.Count == 1
        ? new IndexedChunk(_start + bucket.FirstStart, new ChunkEntry(bucket.LastEnd - bucket.FirstStart, bucket.OnlyRequested, bucket.OnlyOwner))
        : bucket.Chunks![i];

    /// <summary>The index in <paramref name="bucket"/> of its first chunk whose start is ≥ <paramref name="start"/>, or its count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int IndexIn(ref ChunkBucket bucket, ulong start) => bucket.Count == 1
        ? (bucket.FirstStart < start - _start ? 1 : 0)
        : LowerBound(bucket.Chunks, bucket.Count, start);

    /// <summary>A chunk's end, as an offset from the region's start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong EndOf(in IndexedChunk chunk) => chunk.Start - _start + chunk.Entry.Size;

    /// <summary>Whether [start, start + size) overlaps a live chunk, given its bucket <paramref name="b"/> and
    /// <paramref name="i"/>, the index there of the first start ≥ <paramref name="start"/>. The bucket's first and last
    /// chunks are read from its edges, so a bucket with one chunk, and every neighbouring bucket, is checked from the
    /// directory alone.</summary>
    private bool OverlapsAt(int b, int i, ulong start, ulong size)
    {
        ref ChunkBucket bucket = ref _buckets[b];
        int n = bucket.Count;
        ulong offset = start - _start;
        ulong endOffset = offset + size; // ≤ _size: no overflow even at the top of the address space
        if (i < n)
        {
            ulong next = i == 0 ? bucket.FirstStart : bucket.Chunks![i].Start - _start;
            if (next < endOffset)
                return true; // the successor (or a chunk at the same start) begins inside the range
        }
        else if ((ulong)(b + 1) << _bucketShift < endOffset)
        {
            int next = _nonEmpty.Next(b + 1); // the range reaches past its bucket: the successor may be further on
            if (next >= 0 && _buckets[next].FirstStart < endOffset)
                return true;
        }
        if (i > 0)
            return (i == n ? bucket.LastEnd : EndOf(bucket.Chunks![i - 1])) > offset;
        int previous = _nonEmpty.Previous(b - 1);
        return previous >= 0 && _buckets[previous].LastEnd > offset;
    }

    /// <summary>Puts a chunk at index <paramref name="i"/> of bucket <paramref name="b"/>: inline when the bucket was
    /// empty; otherwise into its array (the inline chunk moves there first), grown if full.</summary>
    private void InsertAt(int b, int i, ulong start, ChunkEntry entry)
    {
        ref ChunkBucket bucket = ref _buckets[b];
        int n = bucket.Count;
        ulong offset = start - _start;
        if (n == 0)
        {
            bucket.FirstStart = offset;
            bucket.LastEnd = offset + entry.Size;
            (bucket.OnlyRequested, bucket.OnlyOwner) = (entry.Requested, entry.Owner);
            bucket.Count = 1;
            _nonEmpty.Set(b);
        }
        else
        {
            IndexedChunk[]? chunks = bucket.Chunks;
            if (chunks is null || n == chunks.Length)
            {
                var grown = new IndexedChunk[Math.Max(4, n * 2)];
                if (n > 1)
                    chunks!.AsSpan(0, n).CopyTo(grown);
                bucket.Chunks = chunks = grown;
            }
            if (n == 1)
                chunks[0] = ChunkAt(ref bucket, 0); // the inline chunk joins the array
            ShiftUp(chunks, i, n);
            chunks[i] = new IndexedChunk(start, entry);
            bucket.Count = n + 1;
            if (i == 0)
                bucket.FirstStart = offset;
            if (i == n)
                bucket.LastEnd = offset + entry.Size;
        }
        Count++;
        Bytes += entry.Size;
    }
}
