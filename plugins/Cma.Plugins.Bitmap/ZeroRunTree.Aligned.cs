using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cma.Plugins.Bitmap;

/// <summary>The aligned search: the lowest run of free bits that starts on the alignment lattice, found in one walk of
/// the tree instead of a search per misaligned candidate run.</summary>
internal sealed partial class ZeroRunTree
{
    /// <summary>The largest lattice mask <see cref="FindAlignedRun"/> takes: its lane arithmetic is done modulo 2^32.
    /// A larger alignment leaves at most one or two aligned bits in a bitmap of <see cref="MaxBits"/>; the caller
    /// searches run by run instead.</summary>
    public const ulong MaxAlignedMask = (1UL << 30) - 1;

    /// <summary>The smallest s ≥ <paramref name="from"/> with <c>((phase - s) &amp; mask) == 0</c> (s on the lattice)
    /// such that bits [s, s + count) are all free, or -1: the same answer as searching for the first free run and,
    /// while it starts off the lattice, again from the next lattice bit (see the allocator's FindFrom), in one walk.
    /// Scans the block holding <paramref name="from"/>, then climbs: the right siblings on each level are tested a
    /// group at a time by <see cref="SearchGroup"/>. A node is entered only when a run wholly inside it could hold the
    /// request on the lattice (its longest run is long enough and, for a node no longer than the lattice step, the
    /// one lattice bit inside it is not its first bit); a run that reaches into a node from the left is tested from
    /// the node's summaries alone. <paramref name="mask"/> is a power of two minus one, at most
    /// <see cref="MaxAlignedMask"/>.</summary>
    public long FindAlignedRun(long from, long count, ulong phase, ulong mask)
    {
        Debug.Assert(mask <= MaxAlignedMask && ((mask + 1) & mask) == 0 && count > 0);
        if (from >= _bitCount || count > Longest)
            return -1;
        if (from == 0)
            return FindInside(_height, 0, count, phase, mask);
        long index = from >> BlockShift;
        long found = ScanBlockAligned((int)index, from, count, phase, mask, out long carry);
        for (int level = 0; found < 0 && level < _height; index >>= FanShift, level++)
        {
            int lane = (int)(index & (Fan - 1));
            if (lane < Fan - 1)
                found = SearchGroup(level, index - lane, lane + 1, ref carry, count, phase, mask);
        }
        return found;
    }

    /// <summary>The lowest lattice run of <paramref name="count"/> free bits that lies wholly inside the stretch of
    /// node <paramref name="index"/> of <paramref name="level"/>, or -1.</summary>
    private long FindInside(int level, long index, long count, ulong phase, ulong mask)
    {
        if (level == 0)
            return index < _blockCount ? ScanBlockAligned((int)index, index << BlockShift, count, phase, mask, out _) : -1;
        long carry = 0;
        return SearchGroup(level - 1, index << FanShift, 0, ref carry, count, phase, mask);
    }

    /// <summary>Searches the siblings <paramref name="firstLane"/> .. Fan - 1 of the group that starts at node
    /// <paramref name="firstChild"/> of <paramref name="level"/>, with <paramref name="carry"/> free bits just before
    /// sibling <paramref name="firstLane"/>, for the lowest lattice run of <paramref name="count"/> free bits that
    /// starts in the carry or in those siblings and ends inside them; returns its start or -1, leaving in
    /// <paramref name="carry"/> the free bits at the group's end. For every sibling at once (lane i = sibling i): the
    /// free run reaching into it from the left (<see cref="EndsAcrossFree"/> when some sibling is wholly free) and
    /// whether that run, with the sibling's prefix, holds the request from its first lattice bit on ("crossing"); and
    /// whether a run inside the sibling may hold it ("inner"). The lowest lane of either kind decides: a crossing run
    /// is the answer (it starts below anything inside the sibling), an inner one is searched, and if that fails the
    /// next lane is taken.</summary>
    private long SearchGroup(int level, long firstChild, int firstLane, ref long carry, long count, ulong phase, ulong mask)
    {
        Debug.Assert((firstChild & (Fan - 1)) == 0 && firstLane is >= 0 and < Fan && carry <= uint.MaxValue);
        uint length = (uint)LengthAt(level);
        int first = 3 * (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_levelStart), level) + (int)firstChild);
        Vector256<uint> prefix = Load(_runs, first);
        Vector256<uint> suffix = Load(_runs, first + Fan);
        Vector256<uint> lanes = Vector256<uint>.Indices;
        Vector256<uint> live = Vector256.GreaterThanOrEqual(lanes, Vector256.Create((uint)firstLane));
        // The siblings before firstLane count as in use, except that the one just before ends with the carry.
        Vector256<uint> ends = Vector256.ConditionalSelect(live, suffix,
            Vector256.Equals(lanes, Vector256.Create((uint)firstLane - 1)) & Vector256.Create((uint)carry));
        Vector256<uint> free = Vector256.Equals(prefix, Vector256.Create(length)) & live;
        if (free != Vector256<uint>.Zero)
            ends = EndsAcrossFree(free, ends, length, (uint)carry);
        Vector256<uint> before = Previous(ends).WithElement(0, (uint)carry);
        // offset_i: how far sibling i's first bit lies below the next lattice bit; gap_i: the same from the start of
        // the run reaching into it (before_i bits earlier). Modulo 2^32, exact since mask < 2^32.
        long groupStart = StartOf(level, firstChild);
        Vector256<uint> lattice = Vector256.Create((uint)mask);
        Vector256<uint> offset = (Vector256.Create((uint)phase - (uint)groupStart) - lanes * length) & lattice;
        Vector256<uint> gap = (offset + before) & lattice;
        Vector256<uint> wanted = Vector256.Create((uint)count);
        uint crossing = (Vector256.GreaterThanOrEqual(before + prefix, gap + wanted) & live).ExtractMostSignificantBits();
        Vector256<uint> inner = Vector256.GreaterThanOrEqual(Load(_runs, first + 2 * Fan), wanted) & live;
        if (length - 1 <= mask)
        {
            // A sibling no longer than the step holds at most one lattice bit; at its first bit the crossing test
            // already covers it, so only a lattice bit strictly inside, with room for the request after it, counts.
            inner &= ~Vector256.Equals(offset, Vector256<uint>.Zero)
                & Vector256.LessThanOrEqual(offset + wanted, Vector256.Create(length));
        }
        uint todo = crossing | inner.ExtractMostSignificantBits();
        while (todo != 0)
        {
            int lane = BitOperations.TrailingZeroCount(todo);
            if ((crossing & (1u << lane)) != 0)
                return groupStart + ((long)lane << (BlockShift + FanShift * level)) - Lane(before, lane) + Lane(gap, lane);
            long found = FindInside(level, firstChild + lane, count, phase, mask);
            if (found >= 0)
                return found;
            todo &= todo - 1;
        }
        carry = ends.GetElement(Fan - 1);
        return -1;
    }

    /// <summary>The lowest lattice run of <paramref name="count"/> free bits in block <paramref name="block"/> at or
    /// after <paramref name="from"/> (the bits before it count as in use) that ends inside the block, or -1;
    /// <paramref name="carry"/> is the free bits at the block's end (after <paramref name="from"/>). A word at a time,
    /// as <see cref="ScanBlock"/>: the run carried into the word with the word's low free bits is tested from its first
    /// lattice bit; runs inside the word (<paramref name="count"/> &lt; 64) by <see cref="WindowInsideWord"/> masked
    /// with the word's lattice bits, so no free run is visited one by one.</summary>
    private long ScanBlockAligned(int block, long from, long count, ulong phase, ulong mask, out long carry)
    {
        ref ulong words = ref MemoryMarshal.GetArrayDataReference(_words);
        nint word = (nint)(from >> 6), endWord = (nint)(block + 1) * BlockWords;
        // One lattice bit every mask + 1 bits from bit 0 (the lowest only, for a step of 64 or more).
        ulong pattern = mask < 63 ? ~0UL / ((1UL << (int)(mask + 1)) - 1) : 1;
        ulong x = Unsafe.Add(ref words, word) | ((1UL << (int)(from & 63)) - 1);
        long run = 0;
        while (true)
        {
            long wordStart = (long)word << 6;
            long runStart = wordStart - run;
            long start = runStart + (long)((phase - (ulong)runStart) & mask);
            if (start + count <= wordStart + BitOperations.TrailingZeroCount(x))
            {
                carry = 0;
                return start;
            }
            if (x == 0)
            {
                run += 64;
            }
            else
            {
                if (count < 64 && 64 - BitOperations.PopCount(x) >= count)
                {
                    ulong offset = (phase - (ulong)wordStart) & mask;
                    ulong fits = WindowInsideWord(x, count) & (offset < 64 ? pattern << (int)offset : 0);
                    if (fits != 0)
                    {
                        carry = 0;
                        return wordStart + BitOperations.TrailingZeroCount(fits);
                    }
                }
                run = BitOperations.LeadingZeroCount(x);
            }
            if (++word == endWord)
            {
                carry = run;
                return -1;
            }
            x = Unsafe.Add(ref words, word);
        }
    }
}
