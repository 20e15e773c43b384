using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cma.Plugins.Bitmap;

/// <summary>Updates of the bitmap: setting and clearing a range of bits, and bringing the summaries of the
/// touched blocks and their ancestors up to date.</summary>
internal sealed partial class ZeroRunTree
{
    /// <summary>Marks bits [start, start + count) in use; they must be free and inside the bitmap (the caller found
    /// them by a search). The first and last words are masked, the words between are written whole.</summary>
    public void Set(long start, long count)
    {
        Debug.Assert(start >= 0 && count > 0 && start + count <= _bitCount);
        Debug.Assert(AreAll(start, count, set: false));
        long end = start + count;
        ref ulong words = ref MemoryMarshal.GetArrayDataReference(_words);
        nint w = (nint)(start >> 6), last = (nint)((end - 1) >> 6);
        ulong head = ~0UL << (int)start, tail = ~0UL >> (int)-end;
        if (w == last)
        {
            Unsafe.Add(ref words, w) |= head & tail;
        }
        else
        {
            Unsafe.Add(ref words, w) |= head;
            for (w++; w < last; w++)
                Unsafe.Add(ref words, w) = ~0UL;
            Unsafe.Add(ref words, last) |= tail;
        }
        Refresh(start, end, set: true);
    }

    /// <summary>Marks bits [start, start + count) free; they must lie in the bitmap (the caller checked) and all be in
    /// use, else the bitmap is left unchanged and <see cref="InvalidOperationException"/> is thrown (a double free or a
    /// corrupt caller). One pass checks the words, a second clears them.</summary>
    public void Clear(long start, long count)
    {
        Debug.Assert(start >= 0 && count > 0 && start + count <= _bitCount);
        long end = start + count;
        ref ulong words = ref MemoryMarshal.GetArrayDataReference(_words);
        nint first = (nint)(start >> 6), last = (nint)((end - 1) >> 6);
        ulong head = ~0UL << (int)start, tail = ~0UL >> (int)-end;
        if (first == last)
        {
            ulong mask = head & tail;
            ref ulong word = ref Unsafe.Add(ref words, first);
            if ((word & mask) != mask)
                ThrowNotAllInUse(start, count);
            word &= ~mask;
        }
        else
        {
            ulong all = (Unsafe.Add(ref words, first) | ~head) & (Unsafe.Add(ref words, last) | ~tail);
            for (nint w = first + 1; w < last; w++)
                all &= Unsafe.Add(ref words, w);
            if (all != ~0UL)
                ThrowNotAllInUse(start, count);
            Unsafe.Add(ref words, first) &= ~head;
            for (nint w = first + 1; w < last; w++)
                Unsafe.Add(ref words, w) = 0;
            Unsafe.Add(ref words, last) &= ~tail;
        }
        Refresh(start, end, set: false);
    }

    /// <summary>Throws for <see cref="Clear"/> of bits not all in use (kept out of line so the hot path stays small).</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotAllInUse(long start, long count) =>
        throw new InvalidOperationException($"Bitmap corruption: bits [{start}, {start + count}) are not all in use, so they cannot be freed (double free?).");

    /// <summary>Whether bits [start, start + count) are all set (or all clear). O(count / 64).</summary>
    public bool AreAll(long start, long count, bool set)
    {
        long end = start + count;
        for (long w = start >> 6; w <= (end - 1) >> 6; w++)
        {
            ulong mask = WordMask(start, end, w);
            if ((_words[w] & mask) != (set ? mask : 0))
                return false;
        }
        return true;
    }

    /// <summary>The bits of word <paramref name="word"/> that lie in [start, end).
    /// E.g. start 70, end 140, word 1 (bits 64..127): ~0 &lt;&lt; 6 = bits 70..127.</summary>
    private static ulong WordMask(long start, long end, long word)
    {
        ulong mask = ~0UL;
        if (word == start >> 6)
            mask &= ~0UL << (int)(start & 63);
        if (word == (end - 1) >> 6)
            mask &= ~0UL >> (int)(63 - ((end - 1) & 63));
        return mask;
    }

    /// <summary>Re-summarises the blocks holding bits [start, end), just set or cleared, and recombines their
    /// ancestors, stopping at the first level where no node changed (the ones above cannot change either). A single
    /// block (the usual case) goes up by <see cref="Propagate"/>; with several, those covered whole become (0, 0, 0)
    /// or wholly free without a look at their words.</summary>
    private void Refresh(long start, long end, bool set)
    {
        int firstBlock = (int)(start >> BlockShift), lastBlock = (int)((end - 1) >> BlockShift);
        if (firstBlock == lastBlock)
        {
            ZeroRuns old = Get(0, firstBlock);
            ZeroRuns runs = set ? AfterSet(firstBlock, start, end, old) : AfterClear(firstBlock, start, end, old);
            if (runs != old)
                Propagate(0, firstBlock, runs);
            return;
        }
        bool changed = false;
        for (int b = firstBlock; b <= lastBlock; b++)
        {
            long blockStart = (long)b << BlockShift;
            long from = Math.Max(start, blockStart), to = Math.Min(end, blockStart + BlockBits);
            ZeroRuns runs;
            if (to - from == BlockBits)
            {
                Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_longestCount), b) = 1;
                runs = set ? default : ZeroRuns.Free(BlockBits);
            }
            else
            {
                ZeroRuns old = Get(0, b);
                runs = set ? AfterSet(b, from, to, old) : AfterClear(b, from, to, old);
            }
            changed |= Replace(0, b, runs);
        }
        long lo = firstBlock, hi = lastBlock;
        for (int level = 1; changed && level <= _height; level++)
        {
            lo >>= FanShift;
            hi >>= FanShift;
            if (lo == hi)
            {
                ZeroRuns runs = Gather(level, lo);
                if (runs != Get(level, lo))
                    Propagate(level, lo, runs);
                return;
            }
            changed = false;
            for (long k = lo; k <= hi; k++)
                changed |= Replace(level, k, Gather(level, k));
        }
    }

    /// <summary>A block's runs after bits [from, to) inside it were cleared: the freed bits join the free run around
    /// them, found by scanning outwards a word at a time, and only that run can be new.
    /// E.g. old (0, 3, 5), block bits 0..1023, cleared [10, 20) between set bits 7 and 25: run [8, 25), so (0, 3, 17).</summary>
    private ZeroRuns AfterClear(int block, long from, long to, ZeroRuns old)
    {
        long blockStart = (long)block << BlockShift, blockEnd = blockStart + BlockBits;
        long runStart = FreeRunStart(from, blockStart), runEnd = FreeRunEnd(to, blockEnd);
        uint run = (uint)(runEnd - runStart);
        ref ushort count = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_longestCount), block);
        if (run > old.Longest)
            count = 1;
        else if (run == old.Longest)
            count++;
        return new ZeroRuns(
            runStart == blockStart ? (uint)(runEnd - blockStart) : old.Prefix,
            runEnd == blockEnd ? (uint)(blockEnd - runStart) : old.Suffix,
            Math.Max(old.Longest, run));
    }

    /// <summary>A block's runs after bits [from, to) inside it were set: they cut the free run that held them into the
    /// parts before and after. The longest run stays unless the cut run was as long as it, in which case the block is
    /// re-summarised (a block set whole is simply (0, 0, 0)). E.g. old (0, 3, 40), cut run [100, 120) → (0, 3, 40)
    /// unchanged.</summary>
    private ZeroRuns AfterSet(int block, long from, long to, ZeroRuns old)
    {
        long blockStart = (long)block << BlockShift, blockEnd = blockStart + BlockBits;
        if (to - from == BlockBits)
        {
            Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_longestCount), block) = 1;
            return default;
        }
        long runStart = FreeRunStart(from, blockStart), runEnd = FreeRunEnd(to, blockEnd);
        ref ushort count = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_longestCount), block);
        if (runEnd - runStart == old.Longest)
        {
            if (count < 2)
                return Summarize(block, out count);
            count--;
        }
        return new ZeroRuns(
            runStart == blockStart ? (uint)(from - blockStart) : old.Prefix,
            runEnd == blockEnd ? (uint)(blockEnd - to) : old.Suffix,
            old.Longest);
    }

    /// <summary>The first bit of the free run that ends at <paramref name="bit"/>, not before
    /// <paramref name="blockStart"/>: one past the last set bit in [blockStart, bit), else blockStart.</summary>
    private long FreeRunStart(long bit, long blockStart)
    {
        if (bit == blockStart)
            return blockStart;
        ref ulong words = ref MemoryMarshal.GetArrayDataReference(_words);
        nint w = (nint)((bit - 1) >> 6), firstWord = (nint)(blockStart >> 6);
        ulong x = Unsafe.Add(ref words, w) & (~0UL >> (int)-bit);
        while (x == 0)
        {
            if (w == firstWord)
                return blockStart;
            x = Unsafe.Add(ref words, --w);
        }
        return ((long)w << 6) + 64 - BitOperations.LeadingZeroCount(x);
    }

    /// <summary>The first set bit in [bit, blockEnd), else blockEnd: one past the free run that starts at <paramref name="bit"/>.</summary>
    private long FreeRunEnd(long bit, long blockEnd)
    {
        if (bit == blockEnd)
            return blockEnd;
        ref ulong words = ref MemoryMarshal.GetArrayDataReference(_words);
        nint w = (nint)(bit >> 6), lastWord = (nint)((blockEnd >> 6) - 1);
        ulong x = Unsafe.Add(ref words, w) & (~0UL << (int)bit);
        while (x == 0)
        {
            if (w == lastWord)
                return blockEnd;
            x = Unsafe.Add(ref words, ++w);
        }
        return ((long)w << 6) + BitOperations.TrailingZeroCount(x);
    }
}
