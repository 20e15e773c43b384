using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cma.Plugins.Bitmap;

/// <summary>Searches of the bitmap: zero runs of a given length, and the ends of a zero run.</summary>
internal sealed partial class ZeroRunTree
{
    /// <summary>The smallest s ≥ <paramref name="from"/> such that bits [s, s + count) are all free, or -1.
    /// Scans the block holding <paramref name="from"/>, then climbs: each right sibling on the way up either
    /// completes the run carried from the left, holds a long enough run (descend into it), or extends or
    /// resets the carried run. O(Fan · log_Fan blocks + BlockWords).</summary>
    public long FindRun(long from, long count)
    {
        if (from >= _bitCount || count > Longest)
            return -1;
        if (from == 0)
            return Descend(_height, 0, 0, count);
        long index = from >> BlockShift;
        long carry = 0;
        long found = ScanBlock((int)index, from, ref carry, count);
        if (found >= 0)
            return found;
        for (int level = 0; level < _height; index >>= FanShift, level++)
        {
            uint length = (uint)LengthAt(level);
            for (long sibling = index + 1; (sibling & (Fan - 1)) != 0; sibling++)
            {
                ZeroRuns runs = Get(level, sibling);
                if (carry + runs.Prefix >= count)
                    return StartOf(level, sibling) - carry;
                if (runs.Longest >= count)
                    return Descend(level, sibling, carry, count);
                carry = runs.Prefix == length ? carry + length : runs.Suffix;
            }
        }
        return -1;
    }

    /// <summary>The first run of <paramref name="count"/> free bits that starts <paramref name="carry"/> bits
    /// before the stretch of node <paramref name="index"/> of <paramref name="level"/> or inside it; the caller
    /// knows there is one (the node's longest run or carry + prefix is long enough).</summary>
    private long Descend(int level, long index, long carry, long count)
    {
        for (; level > 0; level--)
        {
            index = ChildWithRun(level, index, ref carry, count, out long runStart);
            if (runStart >= 0)
                return runStart;
        }
        int block = (int)index;
        long found = block < _blockCount ? ScanBlock(block, (long)block << BlockShift, ref carry, count) : -1;
        if (found < 0)
            ThrowNoRunInBlock(block, count);
        return found;
    }

    /// <summary>Throws: block <paramref name="block"/>'s summary promised a run its words do not hold (kept out of
    /// line so the descent stays small).</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNoRunInBlock(int block, long count) =>
        throw Corrupt($"the summary of block {block} promises a run of {count} free bits that its words do not hold");

    /// <summary>Scans block <paramref name="block"/> from bit <paramref name="from"/> (bits before it count as in
    /// use) for a run of <paramref name="count"/> free bits, the first <paramref name="carry"/> of which lie before
    /// the scan; returns the run's start or -1, leaving in <paramref name="carry"/> the free bits at the block's end.</summary>
    private long ScanBlock(int block, long from, ref long carry, long count)
    {
        ref ulong words = ref MemoryMarshal.GetArrayDataReference(_words);
        nint word = (nint)(from >> 6);
        nint endWord = (nint)(block + 1) * BlockWords;
        ulong x = Unsafe.Add(ref words, word) | ((1UL << (int)(from & 63)) - 1);
        while (true)
        {
            long wordStart = (long)word << 6;
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
                // Runs inside the word, including one at its top end (so the carry left below is always short).
                if (count < 64 && 64 - BitOperations.PopCount(x) >= count)
                {
                    int inside = FindInsideWord(x, count);
                    if (inside >= 0)
                        return wordStart + inside;
                }
                carry = BitOperations.LeadingZeroCount(x);
            }
            if (++word == endWord)
                return -1;
            x = Unsafe.Add(ref words, word);
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
        long index = block;
        int level = 0;
        while (true)
        {
            if (level == _height)
                return _bitCount;
            uint length = (uint)LengthAt(level);
            long sibling = index + 1;
            while ((sibling & (Fan - 1)) != 0 && Get(level, sibling).Prefix == length)
                sibling++;
            if ((sibling & (Fan - 1)) != 0)
            {
                index = sibling;
                break;
            }
            index >>= FanShift;
            level++;
        }
        for (; level > 0; level--)
        {
            if (StartOf(level, index) >= _bitCount)
                return _bitCount;
            uint length = (uint)LengthAt(level - 1);
            index <<= FanShift;
            while (Get(level - 1, index).Prefix == length)
                index++;
        }
        block = (int)index;
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
        long index = block;
        int level = 0;
        while (true)
        {
            if (level == _height)
                return 0;
            uint length = (uint)LengthAt(level);
            long sibling = index;
            while ((sibling & (Fan - 1)) != 0 && Get(level, sibling - 1).Suffix == length)
                sibling--;
            if ((sibling & (Fan - 1)) != 0)
            {
                index = sibling - 1;
                break;
            }
            index >>= FanShift;
            level++;
        }
        for (; level > 0; level--)
        {
            uint length = (uint)LengthAt(level - 1);
            index = (index << FanShift) + Fan - 1;
            while (Get(level - 1, index).Suffix == length)
                index--;
        }
        long blockEnd = (index + 1) << BlockShift;
        long end = PreviousSetEnd(blockEnd);
        return end > blockEnd - BlockBits ? end : throw Corrupt($"block {index} is summarised as partly used but all its bits are free");
    }
}
