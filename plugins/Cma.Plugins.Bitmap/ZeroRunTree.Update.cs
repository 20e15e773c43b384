using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.Bitmap;

/// <summary>Updates of the bitmap: setting and clearing a range of bits, and bringing the summaries of the
/// touched blocks and their ancestors up to date.</summary>
internal sealed partial class ZeroRunTree
{
    /// <summary>Marks bits [start, start + count) in use; they must be free.</summary>
    public void Set(long start, long count)
    {
        Debug.Assert(AreAll(start, count, set: false));
        long end = start + count;
        for (long w = start >> 6; w <= (end - 1) >> 6; w++)
            _words[w] |= WordMask(start, end, w);
        Refresh(start, end, set: true);
    }

    /// <summary>Marks bits [start, start + count) free; they must all be in use, else the bitmap is left
    /// unchanged and <see cref="InvalidOperationException"/> is thrown (a double free or a corrupt caller).</summary>
    public void Clear(long start, long count)
    {
        if (!AreAll(start, count, set: true))
            throw new InvalidOperationException($"Bitmap corruption: bits [{start}, {start + count}) are not all in use, so they cannot be freed (double free?).");
        long end = start + count;
        for (long w = start >> 6; w <= (end - 1) >> 6; w++)
            _words[w] &= ~WordMask(start, end, w);
        Refresh(start, end, set: false);
    }

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
    /// ancestors, stopping at the first level where no node changed (the ones above cannot change either).</summary>
    private void Refresh(long start, long end, bool set)
    {
        int firstBlock = (int)(start >> BlockShift), lastBlock = (int)((end - 1) >> BlockShift);
        bool changed = false;
        for (int b = firstBlock; b <= lastBlock; b++)
        {
            long blockStart = (long)b << BlockShift;
            long from = Math.Max(start, blockStart), to = Math.Min(end, blockStart + BlockBits);
            ZeroRuns old = Get(0, b);
            changed |= Replace(0, b, set ? AfterSet(b, from, to, old) : AfterClear(b, from, to, old));
        }
        long lo = firstBlock, hi = lastBlock;
        for (int level = 1; changed && level <= _height; level++)
        {
            lo >>= FanShift;
            hi >>= FanShift;
            changed = false;
            for (long k = lo; k <= hi; k++)
                changed |= Replace(level, k, Gather(level, k));
        }
    }

    /// <summary>A block's runs after bits [from, to) inside it were cleared: the freed bits join the free run
    /// around them, found by scanning outwards a word at a time, and only that run can be new.
    /// E.g. old (0, 3, 5), block bits 0..1023, cleared [10, 20) between set bits 7 and 25: run [8, 25), so (0, 3, 17).</summary>
    private ZeroRuns AfterClear(int block, long from, long to, ZeroRuns old)
    {
        long blockStart = (long)block << BlockShift, blockEnd = blockStart + BlockBits;
        long runStart = FreeRunStart(from, blockStart), runEnd = FreeRunEnd(to, blockEnd);
        uint run = (uint)(runEnd - runStart);
        if (run > old.Longest)
            _longestCount[block] = 1;
        else if (run == old.Longest)
            _longestCount[block]++;
        return new ZeroRuns(
            runStart == blockStart ? (uint)(runEnd - blockStart) : old.Prefix,
            runEnd == blockEnd ? (uint)(blockEnd - runStart) : old.Suffix,
            Math.Max(old.Longest, run));
    }

    /// <summary>A block's runs after bits [from, to) inside it were set: they cut the free run that held them
    /// into the parts before and after. The longest run stays unless the cut run was as long as it, in which
    /// case the block is re-summarised (a block set whole is simply (0, 0, 0)). E.g. old (0, 3, 40), cut run [100, 120) → (0, 3, 40) unchanged.</summary>
    private ZeroRuns AfterSet(int block, long from, long to, ZeroRuns old)
    {
        long blockStart = (long)block << BlockShift, blockEnd = blockStart + BlockBits;
        if (from == blockStart && to == blockEnd)
        {
            _longestCount[block] = 1;
            return default;
        }
        long runStart = FreeRunStart(from, blockStart), runEnd = FreeRunEnd(to, blockEnd);
        if (runEnd - runStart == old.Longest)
        {
            if (_longestCount[block] < 2)
                return Summarize(block, out _longestCount[block]);
            _longestCount[block]--;
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
        for (long w = (bit - 1) >> 6; bit > blockStart && w >= blockStart >> 6; w--)
        {
            ulong x = w == (bit - 1) >> 6 ? _words[w] & (~0UL >> (int)(63 - ((bit - 1) & 63))) : _words[w];
            if (x != 0)
                return (w << 6) + 64 - BitOperations.LeadingZeroCount(x);
        }
        return blockStart;
    }

    /// <summary>The first set bit in [bit, blockEnd), else blockEnd: one past the free run that starts at <paramref name="bit"/>.</summary>
    private long FreeRunEnd(long bit, long blockEnd)
    {
        for (long w = bit >> 6; bit < blockEnd && w < blockEnd >> 6; w++)
        {
            ulong x = w == bit >> 6 ? _words[w] & (~0UL << (int)(bit & 63)) : _words[w];
            if (x != 0)
                return (w << 6) + BitOperations.TrailingZeroCount(x);
        }
        return blockEnd;
    }
}
