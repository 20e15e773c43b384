using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cma.Runtime.Regions;

/// <summary>
/// The live chunks of one region in start-address order: the host's own record of who owns what, against which every
/// plugin result is checked.
/// Algorithm: the region is cut into equal address buckets of 2^<see cref="_bucketShift"/> bytes (at least 64 granules;
/// more when needed to keep at most 2^18 buckets), and each bucket keeps the chunks that start in it in a small array
/// sorted by start. A two-level bitmap of non-empty buckets finds the nearest non-empty bucket on either side with a few
/// bit scans, so the live predecessor and successor of any address — which decide an overlap, since live chunks are
/// disjoint — are found without walking.
/// Invariants: chunks are disjoint; bucket b holds exactly the chunks whose start lies in it, ascending; bit b of the
/// bitmap is set exactly when bucket b is non-empty, and a summary bit exactly when its bitmap word is non-zero.
/// Complexity: lookup, insert, remove and the overlap check are O(1) in the number of live chunks — one bucket search and
/// a memmove inside one bucket (at most 64 chunks when a bucket is 64 granules) plus bit scans — so the cost does not grow
/// from 1K to 10M chunks. Memory: 32 bytes per chunk slot in the bucket arrays (which grow by doubling and are kept when
/// they empty, so steady allocate/free allocates nothing) plus 32 bytes per bucket (≤ 8 MiB per region).
/// Not thread-safe: the region's lock guards it.
/// </summary>
internal sealed partial class ChunkIndex
{
    /// <summary>At most 2^18 buckets per region: the directory stays ≤ 4 MiB however large the region is.</summary>
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

    /// <summary>Bit b % 64 of word b / 64 is set exactly when bucket b holds a chunk.</summary>
    private readonly ulong[] _nonEmpty;

    /// <summary>Bit w % 64 of word w / 64 is set exactly when <see cref="_nonEmpty"/>[w] is not zero.</summary>
    private readonly ulong[] _nonEmptyWords;

    /// <summary>Creates the empty index of a region.</summary>
    /// <param name="start">The region's start.</param>
    /// <param name="size">The region's size in bytes (positive).</param>
    /// <param name="granule">The region's granule (a power of two).</param>
    public ChunkIndex(ulong start, ulong size, ulong granule)
    {
        Debug.Assert(size > 0 && BitOperations.IsPow2(granule));
        _start = start;
        _size = size;
        int sizeLog2 = 64 - BitOperations.LeadingZeroCount(size - 1); // ceil(log2 size); 0 for size 1
        _bucketShift = Math.Min(63, Math.Max(BitOperations.TrailingZeroCount(granule) + MinGranulesPerBucketLog2, sizeLog2 - MaxBucketCountLog2));
        int bucketCount = (int)((size - 1) >> _bucketShift) + 1;
        _buckets = new ChunkBucket[bucketCount];
        _nonEmpty = new ulong[(bucketCount + 63) >> 6];
        _nonEmptyWords = new ulong[(_nonEmpty.Length + 63) >> 6];
    }

    /// <summary>Live chunks.</summary>
    public long Count { get; private set; }

    /// <summary>The sum of the live chunks' sizes (what the host's accounting of a reusable region checks).</summary>
    public ulong Bytes { get; private set; }

    /// <summary>Records a chunk that lies inside the region unless it overlaps a live one: the live predecessor (last start
    /// &lt; start) reaching past <paramref name="start"/>, or the live successor (first start ≥ start) beginning before
    /// the chunk's end. Because live chunks are disjoint, these two neighbours decide it: a range that starts inside a
    /// chunk, equals one, or encloses one is caught. One search for both. Returns false, changing nothing, on an overlap.</summary>
    public bool TryInsert(ulong start, ChunkEntry entry)
    {
        Debug.Assert(start - _start < _size && entry.Size <= _size - (start - _start), "the chunk lies inside the region");
        int b = BucketOf(start);
        int i = LowerBound(_buckets[b].Chunks, _buckets[b].Count, start);
        if (OverlapsAt(b, i, start, entry.Size))
            return false;
        InsertAt(b, i, start, entry);
        return true;
    }

    /// <summary>Removes the chunk that starts at <paramref name="start"/>, if any.</summary>
    public bool Remove(ulong start, out ChunkEntry entry)
    {
        if (!Find(start, out int b, out int i))
        {
            entry = default;
            return false;
        }
        ref ChunkBucket bucket = ref _buckets[b];
        IndexedChunk[] chunks = bucket.Chunks!;
        int n = bucket.Count;
        entry = chunks[i].Entry;
        ShiftDown(chunks, i, n);
        bucket.Count = n - 1;
        if (n > 1)
        {
            // Keep the edges: the array's lines are in cache now, a neighbour's check later reads only the directory.
            bucket.FirstStart = chunks[0].Start - _start;
            bucket.LastEnd = chunks[n - 2].Start - _start + chunks[n - 2].Entry.Size;
        }
        Count--;
        Bytes -= entry.Size;
        if (n == 1 && (_nonEmpty[b >> 6] &= ~(1UL << b)) == 0)
            _nonEmptyWords[b >> 12] &= ~(1UL << (b >> 6));
        return true;
    }

    /// <summary>Calls <paramref name="visit"/> for every live chunk in start order.</summary>
    public void ForEach(Action<ulong, ChunkEntry> visit)
    {
        for (int b = NextNonEmpty(0); b >= 0; b = NextNonEmpty(b + 1))
        {
            IndexedChunk[] chunks = _buckets[b].Chunks!;
            for (int i = 0; i < _buckets[b].Count; i++)
                visit(chunks[i].Start, chunks[i].Entry);
        }
    }

    /// <summary>The bucket holding <paramref name="address"/>, which lies inside the region.
    /// E.g. start 0x4000_0000, 256 KiB buckets (shift 18): 0x4004_1000 → bucket 1.</summary>
    private int BucketOf(ulong address) => (int)((address - _start) >> _bucketShift);

    /// <summary>Where the chunk starting at <paramref name="start"/> is kept: bucket and index; false when none starts there.</summary>
    private bool Find(ulong start, out int b, out int i)
    {
        b = i = 0;
        if (start - _start >= _size)
            return false; // outside the region (below its start the subtraction wraps)
        b = BucketOf(start);
        ref ChunkBucket bucket = ref _buckets[b];
        i = LowerBound(bucket.Chunks, bucket.Count, start);
        return i < bucket.Count && bucket.Chunks![i].Start == start;
    }

    /// <summary>Whether [start, start + size) overlaps a live chunk, given its bucket <paramref name="b"/> and
    /// <paramref name="i"/>, the index there of the first start ≥ <paramref name="start"/>.</summary>
    private bool OverlapsAt(int b, int i, ulong start, ulong size)
    {
        ref ChunkBucket bucket = ref _buckets[b];
        ulong offset = start - _start;
        ulong endOffset = offset + size; // ≤ _size: no overflow even at the top of the address space
        if (i < bucket.Count)
        {
            if (bucket.Chunks![i].Start - _start < endOffset)
                return true; // the successor (or a chunk at the same start) begins inside the range
        }
        else if ((ulong)(b + 1) << _bucketShift < endOffset)
        {
            int next = NextNonEmpty(b + 1); // the range reaches past its bucket: the successor may be further on
            if (next >= 0 && _buckets[next].FirstStart < endOffset)
                return true;
        }
        if (i > 0)
        {
            ref readonly IndexedChunk before = ref bucket.Chunks![i - 1];
            return before.Start - _start + before.Entry.Size > offset;
        }
        int previous = PreviousNonEmpty(b - 1);
        return previous >= 0 && _buckets[previous].LastEnd > offset;
    }

    /// <summary>Puts a chunk at index <paramref name="i"/> of bucket <paramref name="b"/>, growing its array if full.</summary>
    private void InsertAt(int b, int i, ulong start, ChunkEntry entry)
    {
        ref ChunkBucket bucket = ref _buckets[b];
        IndexedChunk[]? chunks = bucket.Chunks;
        int n = bucket.Count;
        if (chunks is null || n == chunks.Length)
        {
            var grown = new IndexedChunk[Math.Max(4, n * 2)];
            chunks?.AsSpan(0, n).CopyTo(grown);
            bucket.Chunks = chunks = grown;
        }
        ShiftUp(chunks, i, n);
        chunks[i] = new IndexedChunk(start, entry);
        bucket.Count = n + 1;
        if (i == 0)
            bucket.FirstStart = start - _start;
        if (i == n)
            bucket.LastEnd = start - _start + entry.Size;
        Count++;
        Bytes += entry.Size;
        if (n == 0)
        {
            _nonEmpty[b >> 6] |= 1UL << b;
            _nonEmptyWords[b >> 12] |= 1UL << (b >> 6);
        }
    }

    /// <summary>Moves chunks [i + 1, n) down by one (over chunk i). A bucket's tail is short (often empty), so a plain loop
    /// beats a call to a general memmove.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ShiftDown(IndexedChunk[] chunks, int i, int n)
    {
        if (n - i > 16)
        {
            chunks.AsSpan(i + 1, n - i - 1).CopyTo(chunks.AsSpan(i));
            return;
        }
        for (int j = i + 1; j < n; j++)
            chunks[j - 1] = chunks[j];
    }

    /// <summary>Moves chunks [i, n) up by one, freeing index i; the array has room for n + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ShiftUp(IndexedChunk[] chunks, int i, int n)
    {
        if (n - i > 16)
        {
            chunks.AsSpan(i, n - i).CopyTo(chunks.AsSpan(i + 1));
            return;
        }
        for (int j = n; j > i; j--)
            chunks[j] = chunks[j - 1];
    }

    /// <summary>The index of the first of the <paramref name="n"/> chunks whose start is ≥ <paramref name="key"/>, or n.
    /// E.g. starts 10, 20, 30: key 20 → 1, key 25 → 2, key 40 → 3. A bucket holds a few chunks: up to 8 they are counted
    /// without a data-dependent branch (a count of the starts below the key; on a mispredicted branch a binary search over
    /// 1–4 entries costs more than the comparisons), beyond that a binary search narrows the range first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LowerBound(IndexedChunk[]? chunks, int n, ulong key)
    {
        if (n == 0)
            return 0;
        ref IndexedChunk first = ref MemoryMarshal.GetArrayDataReference(chunks!);
        int lo = 0;
        while (n > 8)
        {
            int half = n >> 1;
            if (Unsafe.Add(ref first, lo + half - 1).Start < key)
                lo += half;
            n -= half;
        }
        int below = 0;
        for (int j = 0; j < n; j++)
            below += Unsafe.Add(ref first, lo + j).Start < key ? 1 : 0;
        return lo + below;
    }

    /// <summary>The first non-empty bucket at or after <paramref name="b"/>, or -1. E.g. non-empty buckets 3 and 700:
    /// b = 4 → 700 (bit scan in word 0 finds nothing above bit 4; the summary points at word 10).</summary>
    private int NextNonEmpty(int b)
    {
        if (b >= _buckets.Length)
            return -1;
        int w = b >> 6;
        ulong bits = _nonEmpty[w] & (~0UL << b);
        if (bits == 0)
        {
            if (++w == _nonEmpty.Length)
                return -1;
            int top = w >> 6;
            ulong words = _nonEmptyWords[top] & (~0UL << w);
            while (words == 0)
            {
                if (++top == _nonEmptyWords.Length)
                    return -1;
                words = _nonEmptyWords[top];
            }
            w = (top << 6) + BitOperations.TrailingZeroCount(words);
            bits = _nonEmpty[w];
        }
        return (w << 6) + BitOperations.TrailingZeroCount(bits);
    }

    /// <summary>The last non-empty bucket at or before <paramref name="b"/>, or -1.</summary>
    private int PreviousNonEmpty(int b)
    {
        if (b < 0)
            return -1;
        int w = b >> 6;
        ulong bits = _nonEmpty[w] & (~0UL >> (63 - (b & 63)));
        if (bits == 0)
        {
            if (--w < 0)
                return -1;
            int top = w >> 6;
            ulong words = _nonEmptyWords[top] & (~0UL >> (63 - (w & 63)));
            while (words == 0)
            {
                if (--top < 0)
                    return -1;
                words = _nonEmptyWords[top];
            }
            w = (top << 6) + 63 - BitOperations.LeadingZeroCount(words);
            bits = _nonEmpty[w];
        }
        return (w << 6) + 63 - BitOperations.LeadingZeroCount(bits);
    }
}
