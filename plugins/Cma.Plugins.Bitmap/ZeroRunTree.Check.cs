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

    /// <summary>Checks that block <paramref name="block"/>'s leaf, and <see cref="Summarize"/>'s word tricks, match the
    /// bit-by-bit reference (<see cref="SummarizeBitByBit"/>), and that its count of longest runs is at least 1 and at
    /// most the true count.</summary>
    private void CheckLeaf(int block)
    {
        ZeroRuns stored = Get(0, block);
        ZeroRuns actual = SummarizeBitByBit(block, out int longestRuns);
        if (stored != actual || Summarize(block, out _) != actual)
            throw Corrupt($"the summary of block {block} is {stored} (re-summarised: {Summarize(block, out _)}) but its bits say {actual}");
        if (_longestCount[block] < 1 || _longestCount[block] > Math.Max(longestRuns, 1))
            throw Corrupt($"block {block} claims {_longestCount[block]} runs of its longest length {actual.Longest}, but has {longestRuns}");
    }

    /// <summary>Checks that node <paramref name="index"/> of <paramref name="level"/> (≥ 1), and <see cref="Combine"/>'s
    /// vector steps, match the child-by-child reference (<see cref="CombineChildByChild"/>).</summary>
    private void CheckNode(int level, long index)
    {
        ZeroRuns expected = CombineChildByChild(level, index);
        if (Get(level, index) != expected || Gather(level, index) != expected)
            throw Corrupt($"node {index} of level {level} is {Get(level, index)} (recombined: {Gather(level, index)}) but its children combine to {expected}");
    }

    /// <summary>Checks one step of the vector descent (<see cref="ChildWithRun"/>'s <paramref name="child"/>,
    /// <paramref name="carry"/> and <paramref name="runStart"/> from <paramref name="carryIn"/>) against the
    /// child-by-child reference (<see cref="ChildWithRunChildByChild"/>). O(Fan): run on every step in Debug builds.</summary>
    private void CheckChildWithRun(int level, long index, long carryIn, long count, long child, long carry, long runStart)
    {
        long expectedCarry = carryIn;
        long expected = ChildWithRunChildByChild(level, index, ref expectedCarry, count, out long expectedStart);
        if (expected != child || expectedCarry != carry || expectedStart != runStart)
            throw Corrupt($"the descent through node {index} of level {level} for {count} bits (carry {carryIn}) chose child {child} (carry {carry}, run start {runStart}); child by child: {expected} (carry {expectedCarry}, run start {expectedStart})");
    }
}
