namespace Cma.Plugins.Bitmap;

/// <summary>
/// The plain scalar reference of the summary tree: each function states, bit by bit or child by child, what a fast
/// path computes with word tricks (<see cref="Summarize"/>) or vectors (<see cref="Gather"/>,
/// <see cref="ChildWithRun"/>). Nothing here runs in a Release build's operations; Debug builds cross-check the fast
/// paths against it on every block and node an operation touches (ZeroRunTree.Check.cs, <see cref="ChildWithRun"/>).
/// </summary>
internal sealed partial class ZeroRunTree
{
    /// <summary>The runs of block <paramref name="block"/>, read bit by bit, and how many free runs are as long as its
    /// longest (0 when no bit is free). The prefix is the free bits before the first set bit, the suffix those after
    /// the last, the longest the most free bits between two set bits (or the block's edges).</summary>
    private ZeroRuns SummarizeBitByBit(int block, out int longestRuns)
    {
        uint prefix = 0, run = 0, longest = 0;
        bool seenSet = false;
        longestRuns = 0;
        for (long bit = (long)block << BlockShift, end = bit + BlockBits; bit <= end; bit++)
        {
            if (bit < end && (_words[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                run++;
                continue;
            }
            // A set bit or the block's end closes the run before it.
            if (!seenSet)
                prefix = run;
            if (run > longest)
                (longest, longestRuns) = (run, 1);
            else if (run == longest && run > 0)
                longestRuns++;
            seenSet |= bit < end;
            if (bit < end)
                run = 0;
        }
        return seenSet ? new ZeroRuns(prefix, run, longest) : ZeroRuns.Free(BlockBits);
    }

    /// <summary>The runs of node <paramref name="index"/> of <paramref name="level"/> (≥ 1) combined from its children
    /// left to right: a wholly free child adds its length to the run carried from the left; any other child ends the
    /// carried run at its prefix (a candidate for the longest, and the node's prefix if it is the first such child),
    /// offers its own longest run, and starts a new carried run with its suffix.</summary>
    private ZeroRuns CombineChildByChild(int level, long index)
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
        return start == uint.MaxValue ? ZeroRuns.Free(carry) : new ZeroRuns(start, carry, Math.Max(most, carry));
    }

    /// <summary>What <see cref="ChildWithRun"/> returns, child by child: the first child of node
    /// <paramref name="index"/> of <paramref name="level"/> (≥ 1) where the run carried from the left plus the child's
    /// prefix reaches <paramref name="count"/> (the run starts before it: <paramref name="runStart"/>), or whose
    /// longest run does (the run lies in it); <paramref name="carry"/> becomes the free bits before that child.
    /// Returns -1 when no child has the run.</summary>
    private long ChildWithRunChildByChild(int level, long index, ref long carry, long count, out long runStart)
    {
        uint length = (uint)LengthAt(level - 1);
        runStart = -1;
        for (long child = index << FanShift; child < (index + 1) << FanShift; child++)
        {
            ZeroRuns runs = Get(level - 1, child);
            if (carry + runs.Prefix >= count)
            {
                runStart = StartOf(level - 1, child) - carry;
                return child;
            }
            if (runs.Longest >= count)
                return child;
            carry = runs.Prefix == length ? carry + length : runs.Suffix;
        }
        return -1;
    }
}
