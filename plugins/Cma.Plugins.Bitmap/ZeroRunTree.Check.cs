using System.Numerics;

namespace Cma.Plugins.Bitmap;

/// <summary>Invariant checks of the bitmap and its summary tree (called from Debug builds).</summary>
internal sealed partial class ZeroRunTree
{
    /// <summary>Checks the summaries of the blocks holding bits [start, start + count) and of their ancestors:
    /// O(touched words + log blocks). Throws <see cref="InvalidOperationException"/> on a mismatch.</summary>
    public void CheckAround(long start, long count)
    {
        int first = (int)(start >> BlockShift), last = (int)((start + count - 1) >> BlockShift);
        for (int b = first; b <= last; b++)
            CheckLeaf(b);
        long lo = first, hi = last;
        for (int level = 1; level <= _height; level++)
        {
            lo >>= FanShift;
            hi >>= FanShift;
            for (long k = lo; k <= hi; k++)
                CheckNode(level, k);
        }
    }

    /// <summary>Checks every word and node: the tail past the last bit is in use, padding leaves are never
    /// free, every summary matches. Returns the free bits and the number of maximal free runs. O(bits / 64).</summary>
    public (long FreeBits, long Runs) CheckAll()
    {
        long lastWord = (_bitCount - 1) >> 6;
        ulong tail = (_bitCount & 63) == 0 ? 0 : ~0UL << (int)(_bitCount & 63);
        if ((_words[lastWord] & tail) != tail)
            throw Corrupt("a bit past the region's end is marked free");
        for (long w = lastWord + 1; w < _words.Length; w++)
        {
            if (_words[w] != ~0UL)
                throw Corrupt($"word {w} past the region's end is not all in use");
        }
        long freeBits = 0, runs = 0;
        ulong previousTopFree = 0;
        for (long w = 0; w <= lastWord; w++)
        {
            ulong free = ~_words[w];
            freeBits += BitOperations.PopCount(free);
            runs += BitOperations.PopCount(free & ~((free << 1) | previousTopFree));
            previousTopFree = free >> 63;
        }
        for (int level = 0; level <= _height; level++)
        {
            long real = RealNodes(level);
            for (long i = 0; i < _levelStart[level + 1] - _levelStart[level]; i++)
            {
                if (i >= real && Get(level, i) != default)
                    throw Corrupt($"padding node {i} of level {level} is {Get(level, i)}, not (0, 0, 0)");
                if (i < real && level == 0)
                    CheckLeaf((int)i);
                else if (i < real)
                    CheckNode(level, i);
            }
        }
        return (freeBits, runs);
    }

    /// <summary>Checks that block <paramref name="block"/>'s leaf matches its words, read bit by bit (not by
    /// <see cref="Summarize"/>, whose word tricks are what is checked), and that its count of longest runs is at
    /// least 1 and at most the true count.</summary>
    private void CheckLeaf(int block)
    {
        ZeroRuns stored = Get(0, block);
        var runs = new List<int>();
        int run = 0;
        for (long bit = (long)block << BlockShift, end = bit + BlockBits; bit <= end; bit++)
        {
            if (bit < end && (_words[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                run++;
                continue;
            }
            runs.Add(run);
            run = 0;
        }
        // runs: the free bits before each set bit, then before the block's end (at least one entry).
        int longest = runs.Max();
        var actual = runs.Count == 1 ? ZeroRuns.Free(BlockBits) : new ZeroRuns((uint)runs[0], (uint)runs[^1], (uint)longest);
        if (stored != actual || Summarize(block, out _) != actual)
            throw Corrupt($"the summary of block {block} is {stored} (re-summarised: {Summarize(block, out _)}) but its bits say {actual}");
        int longestRuns = longest == 0 ? 0 : runs.Count(r => r == longest);
        if (_longestCount[block] < 1 || _longestCount[block] > Math.Max(longestRuns, 1))
            throw Corrupt($"block {block} claims {_longestCount[block]} runs of its longest length {longest}, but has {longestRuns}");
    }

    /// <summary>Checks that node <paramref name="index"/> of <paramref name="level"/> (≥ 1) combines its children, by a
    /// plain loop over them (not by <see cref="Combine"/>, whose vector steps are what is checked): the free run
    /// carried across wholly free children joins the next child's prefix.</summary>
    private void CheckNode(int level, long index)
    {
        uint length = (uint)LengthAt(level - 1);
        uint start = uint.MaxValue, carry = 0, most = 0;
        for (long child = index << FanShift; child < (index + 1) << FanShift; child++)
        {
            ZeroRuns runs = Get(level - 1, child);
            if (runs.Prefix == length)
            {
                carry += length;
                continue;
            }
            uint through = carry + runs.Prefix;
            if (start == uint.MaxValue)
                start = through;
            most = Math.Max(most, Math.Max(runs.Longest, through));
            carry = runs.Suffix;
        }
        ZeroRuns expected = start == uint.MaxValue ? ZeroRuns.Free(carry) : new ZeroRuns(start, carry, Math.Max(most, carry));
        if (Get(level, index) != expected || Gather(level, index) != expected)
            throw Corrupt($"node {index} of level {level} is {Get(level, index)} (recombined: {Gather(level, index)}) but its children combine to {expected}");
    }
}
