using System.Numerics;

namespace Cma.Plugins.Bitmap;

/// <summary>Searches of the bitmap: zero runs of a given length, and the ends of a zero run.</summary>
internal sealed partial class ZeroRunTree
{
    /// <summary>The smallest s ≥ <paramref name="from"/> such that bits [s, s + count) are all free, or -1.
    /// Scans the block holding <paramref name="from"/>, then climbs: each right sibling on the way up either
    /// completes the run carried from the left, holds a long enough run (descend into it), or extends or
    /// resets the carried run. O(log blocks + BlockWords).</summary>
    public long FindRun(long from, long count)
    {
        if (from >= _bitCount || count > _nodes[1].Longest)
            return -1;
        if (from == 0)
            return Descend(1, 0, count);
        int block = (int)(from >> BlockShift);
        long carry = 0;
        long found = ScanBlock(block, from, ref carry, count);
        if (found >= 0)
            return found;
        for (int node = _leafCount + block; node > 1; node >>= 1)
        {
            if ((node & 1) != 0)
                continue;
            int sibling = node + 1;
            ZeroRuns runs = _nodes[sibling];
            uint length = LengthOf(sibling);
            if (carry + runs.Prefix >= count)
                return StartOf(sibling) - carry;
            if (runs.Longest >= count)
                return Descend(sibling, carry, count);
            carry = runs.Prefix == length ? carry + length : runs.Suffix;
        }
        return -1;
    }

    /// <summary>The first run of <paramref name="count"/> free bits that starts <paramref name="carry"/> bits
    /// before <paramref name="node"/>'s stretch or inside it; the caller knows there is one.</summary>
    private long Descend(int node, long carry, long count)
    {
        while (node < _leafCount)
        {
            int left = node << 1;
            ZeroRuns runs = _nodes[left];
            if (carry + runs.Prefix >= count)
                return StartOf(left) - carry;
            if (runs.Longest >= count)
            {
                node = left;
                continue;
            }
            uint length = LengthOf(left);
            carry = runs.Prefix == length ? carry + length : runs.Suffix;
            if (carry + _nodes[left + 1].Prefix >= count)
                return StartOf(left + 1) - carry;
            node = left + 1;
        }
        int block = node - _leafCount;
        long found = block < _blockCount ? ScanBlock(block, (long)block << BlockShift, ref carry, count) : -1;
        return found >= 0 ? found : throw Corrupt($"the summary of block {block} promises a run of {count} free bits that its words do not hold");
    }

    /// <summary>Scans block <paramref name="block"/> from bit <paramref name="from"/> (bits before it count as in
    /// use) for a run of <paramref name="count"/> free bits, the first <paramref name="carry"/> of which lie before
    /// the scan; returns the run's start or -1, leaving in <paramref name="carry"/> the free bits at the block's end.</summary>
    private long ScanBlock(int block, long from, ref long carry, long count)
    {
        long word = from >> 6;
        long endWord = (long)(block + 1) * BlockWords;
        ulong x = _words[word] | ((1UL << (int)(from & 63)) - 1);
        while (true)
        {
            long wordStart = word << 6;
            if (x == 0)
            {
                if (carry + 64 >= count)
                    return wordStart - carry;
                carry += 64;
            }
            else
            {
                if (carry + BitOperations.TrailingZeroCount(x) >= count)
                    return wordStart - carry;
                if (count < 64 && x != ~0UL)
                {
                    int inside = FindInsideWord(x, count);
                    if (inside >= 0)
                        return wordStart + inside;
                }
                carry = BitOperations.LeadingZeroCount(x);
                if (carry >= count)
                    return wordStart + 64 - carry;
            }
            if (++word == endWord)
                return -1;
            x = _words[word];
        }
    }

    /// <summary>The first bit in use at or after <paramref name="bit"/>, or <see cref="BitCount"/> when the
    /// rest of the bitmap is free. O(log blocks + BlockWords).</summary>
    public long NextSet(long bit)
    {
        int block = (int)(bit >> BlockShift);
        long endWord = (long)(block + 1) * BlockWords;
        for (long w = bit >> 6; w < endWord; w++)
        {
            ulong x = w == bit >> 6 ? _words[w] & (~0UL << (int)(bit & 63)) : _words[w];
            if (x != 0)
                return Math.Min((w << 6) + BitOperations.TrailingZeroCount(x), _bitCount);
        }
        int node = _leafCount + block;
        for (; node > 1; node >>= 1)
        {
            if ((node & 1) == 0 && _nodes[node + 1].Prefix < LengthOf(node + 1))
            {
                node++;
                break;
            }
        }
        if (node == 1)
            return _bitCount;
        while (node < _leafCount)
            node = _nodes[2 * node].Prefix < LengthOf(2 * node) ? 2 * node : 2 * node + 1;
        block = node - _leafCount;
        if (block >= _blockCount)
            return _bitCount;
        return NextSet((long)block << BlockShift) is var found && found < ((long)block + 1) << BlockShift
            ? found : throw Corrupt($"block {block} is summarised as partly used but all its bits are free");
    }

    /// <summary>One past the last bit in use before <paramref name="bit"/>, or 0 when every bit before it is
    /// free: the start of the free run that ends at <paramref name="bit"/>. O(log blocks + BlockWords).</summary>
    public long PreviousSetEnd(long bit)
    {
        if (bit == 0)
            return 0;
        long last = bit - 1;
        int block = (int)(last >> BlockShift);
        long firstWord = (long)block * BlockWords;
        for (long w = last >> 6; w >= firstWord; w--)
        {
            ulong x = w == last >> 6 ? _words[w] & (~0UL >> (int)(63 - (last & 63))) : _words[w];
            if (x != 0)
                return (w << 6) + 64 - BitOperations.LeadingZeroCount(x);
        }
        int node = _leafCount + block;
        for (; node > 1; node >>= 1)
        {
            if ((node & 1) != 0 && _nodes[node - 1].Suffix < LengthOf(node - 1))
            {
                node--;
                break;
            }
        }
        if (node == 1)
            return 0;
        while (node < _leafCount)
            node = _nodes[2 * node + 1].Suffix < LengthOf(2 * node + 1) ? 2 * node + 1 : 2 * node;
        long blockEnd = ((long)(node - _leafCount) + 1) << BlockShift;
        long end = PreviousSetEnd(blockEnd);
        return end > blockEnd - BlockBits ? end : throw Corrupt($"block {node - _leafCount} is summarised as partly used but all its bits are free");
    }
}
