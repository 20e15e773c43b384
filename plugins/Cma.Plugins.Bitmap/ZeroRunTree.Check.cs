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
        for (int lo = (_leafCount + first) >> 1, hi = (_leafCount + last) >> 1; lo >= 1; lo >>= 1, hi >>= 1)
        {
            for (int k = lo; k <= hi; k++)
                CheckNode(k);
            if (lo == 1)
                break;
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
        for (int b = 0; b < _leafCount; b++)
        {
            if (b < _blockCount)
                CheckLeaf(b);
            else if (_nodes[_leafCount + b] != default)
                throw Corrupt($"padding leaf {b} is {_nodes[_leafCount + b]}, not (0, 0, 0)");
        }
        for (int k = _leafCount - 1; k >= 1; k--)
            CheckNode(k);
        return (freeBits, runs);
    }

    /// <summary>Checks that block <paramref name="block"/>'s leaf matches its words, and that its count of
    /// longest runs is at least 1 and at most the true count (counted bit by bit).</summary>
    private void CheckLeaf(int block)
    {
        ZeroRuns stored = _nodes[_leafCount + block];
        ZeroRuns actual = Summarize(block, out _);
        if (stored != actual)
            throw Corrupt($"the summary of block {block} is {stored} but its words say {actual}");
        int longestRuns = 0, run = 0;
        for (long bit = (long)block << BlockShift, end = bit + BlockBits; bit <= end; bit++)
        {
            if (bit < end && (_words[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                run++;
                continue;
            }
            if (run == actual.Longest && run > 0)
                longestRuns++;
            run = 0;
        }
        if (_longestCount[block] < 1 || _longestCount[block] > Math.Max(longestRuns, 1))
            throw Corrupt($"block {block} claims {_longestCount[block]} runs of its longest length {actual.Longest}, but has {longestRuns}");
    }

    /// <summary>Checks that inner node <paramref name="node"/> combines its children.</summary>
    private void CheckNode(int node)
    {
        ZeroRuns expected = ZeroRuns.Combine(_nodes[2 * node], _nodes[2 * node + 1], LengthOf(2 * node));
        if (_nodes[node] != expected)
            throw Corrupt($"tree node {node} is {_nodes[node]} but its children combine to {expected}");
    }
}
