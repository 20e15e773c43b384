using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cma.Runtime.Regions;

/// <summary>The bucket-level helpers of the <see cref="BucketChunkIndex"/>: moving a bucket's array entries and the
/// search inside a bucket.</summary>
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
}
