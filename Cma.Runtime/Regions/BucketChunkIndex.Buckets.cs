using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cma.Runtime.Regions;

/// <summary>The bucket-level helpers of the <see cref="ChunkIndex"/>: moving a bucket's array entries, the search inside
/// a bucket, and the bit scans of the non-empty bucket bitmap.</summary>
internal sealed partial class BucketChunkIndex
{
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
