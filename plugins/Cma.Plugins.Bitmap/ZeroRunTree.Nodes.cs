using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cma.Plugins.Bitmap;

/// <summary>The summary tree's nodes: reading and writing one, combining a node's <see cref="Fan"/> children,
/// bringing ancestors up to date, and picking the child a first-fit descent goes to. All of these load each field of
/// a node's children as one vector and need no loop; when some child is wholly free, the run carried across such
/// children is filled in by three permute-and-blend steps (<see cref="EndsAcrossFree"/>).</summary>
internal sealed partial class ZeroRunTree
{
    /// <summary>The <see cref="Fan"/> values of <paramref name="field"/> from index <paramref name="first"/> on: one
    /// field of one sibling group, which every level's padding keeps inside the array (checked in Debug builds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Load(uint[] field, int first)
    {
        Debug.Assert(first >= 0 && first + Fan <= field.Length);
        return Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(field), (nuint)first);
    }

    /// <summary>Each lane of <paramref name="runs"/> moved up one lane, lane 0 becoming 0: lane i of the result
    /// is the value of child i - 1. E.g. (5, 6, 7, 8, 1, 2, 3, 4) → (0, 5, 6, 7, 8, 1, 2, 3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Previous(Vector256<uint> runs) =>
        Vector256.Shuffle(runs, Vector256.Create(0u, 0, 1, 2, 3, 4, 5, 6)) & Vector256.Create(0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u);

    /// <summary>Where entry <paramref name="entry"/>'s prefix is in <see cref="_runs"/>; its suffix is
    /// <see cref="Fan"/> further, its longest run 2·Fan further. E.g. Fan 8, entry 11 (group 1, lane 3) → 27.</summary>
    private static int Slot(long entry) => (int)(((entry & ~(long)(Fan - 1)) * 3) + (entry & (Fan - 1)));

    /// <summary>The prefix of node <paramref name="index"/> of <paramref name="level"/>, by reference: its suffix
    /// is <see cref="Fan"/> entries further, its longest run 2·Fan further (no bounds checks: the level's padding
    /// keeps every node's group inside <see cref="_runs"/>, checked in Debug builds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref uint Entry(int level, long index)
    {
        Debug.Assert(level >= 0 && level <= _height && index >= 0 && index < _levelStart[level + 1] - _levelStart[level]);
        int entry = (level == 0 ? 0 : Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_levelStart), level)) + (int)index;
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_runs), Slot(entry));
    }

    /// <summary>Node <paramref name="index"/> of <paramref name="level"/>.</summary>
    private ZeroRuns Get(int level, long index)
    {
        ref uint prefix = ref Entry(level, index);
        return new ZeroRuns(prefix, Unsafe.Add(ref prefix, Fan), Unsafe.Add(ref prefix, 2 * Fan));
    }

    /// <summary>Stores <paramref name="runs"/> as node <paramref name="index"/> of <paramref name="level"/>.</summary>
    private void Put(int level, long index, ZeroRuns runs)
    {
        ref uint prefix = ref Entry(level, index);
        prefix = runs.Prefix;
        Unsafe.Add(ref prefix, Fan) = runs.Suffix;
        Unsafe.Add(ref prefix, 2 * Fan) = runs.Longest;
    }

    /// <summary>Stores <paramref name="runs"/> as node <paramref name="index"/> of <paramref name="level"/>;
    /// returns whether that changed it.</summary>
    private bool Replace(int level, long index, ZeroRuns runs)
    {
        ref uint prefix = ref Entry(level, index);
        ref uint suffix = ref Unsafe.Add(ref prefix, Fan), longest = ref Unsafe.Add(ref prefix, 2 * Fan);
        bool changed = ((prefix ^ runs.Prefix) | (suffix ^ runs.Suffix) | (longest ^ runs.Longest)) != 0;
        prefix = runs.Prefix;
        suffix = runs.Suffix;
        longest = runs.Longest;
        return changed;
    }

    /// <summary>The runs of node <paramref name="index"/> of <paramref name="level"/> (≥ 1), combined from its
    /// <see cref="Fan"/> children as stored (see <see cref="Combine"/>).</summary>
    private ZeroRuns Gather(int level, long index)
    {
        int first = 3 * (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_levelStart), level - 1) + (int)(index << FanShift));
        return Combine(Load(_runs, first), Load(_runs, first + Fan), Load(_runs, first + 2 * Fan), (uint)LengthAt(level - 1));
    }

    /// <summary>The runs of a stretch made of <see cref="Fan"/> children of <paramref name="length"/> bits each, given
    /// their prefixes, suffixes and longest runs (lane i = child i), combined left to right: the free run carried
    /// across wholly free children joins the next child's prefix. E.g. children (3, 5, 7), all free, (4, 0, 6), rest
    /// (0, 0, 0), 256 bits each: prefix 3, suffix 0, longest 5 + 256 + 4 = 265.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ZeroRuns Combine(Vector256<uint> prefix, Vector256<uint> suffix, Vector256<uint> longest, uint length)
    {
        Vector256<uint> free = Vector256.Equals(prefix, Vector256.Create(length));
        if (free == Vector256<uint>.Zero)
        {
            // No child is wholly free: a run crosses at most one boundary, suffix of child i - 1 + prefix of child i.
            return new ZeroRuns(prefix.ToScalar(), suffix.GetElement(Fan - 1), MaxLane(Vector256.Max(longest, Previous(suffix) + prefix)));
        }
        uint used = free.ExtractMostSignificantBits() ^ ((1u << Fan) - 1);
        if (used == 0)
            return ZeroRuns.Free(Fan * length);
        Vector256<uint> ends = EndsAcrossFree(free, suffix, length, 0);
        Vector256<uint> through = Previous(ends) + prefix;
        return new ZeroRuns(Lane(through, BitOperations.TrailingZeroCount(used)), ends.GetElement(Fan - 1), MaxLane(Vector256.Max(longest, through)));
    }

    /// <summary>The free run ending at the end of each child (lane i = child i), counting the
    /// <paramref name="carry"/> free bits before child 0 and the runs carried across the wholly free children
    /// (<paramref name="free"/>: all ones in their lanes): child j not wholly free ends with its suffix, and a wholly
    /// free child i adds its length to child i - 1's, so lane i is suffix(j) + (i - j)·length for the last j ≤ i not
    /// wholly free, or carry + (i + 1)·length if there is none. Without a loop: each lane takes that
    /// suffix(j) - (j + 1)·length from the nearest lane before it that has one (three doubling steps) and adds
    /// (i + 1)·length. E.g. length 256, carry 0, suffixes (5, free, 0, …): (5, 261, 0, …).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> EndsAcrossFree(Vector256<uint> free, Vector256<uint> suffix, uint length, uint carry)
    {
        Vector256<uint> ends = (Vector256<uint>.Indices + Vector256<uint>.One) * length;
        Vector256<uint> known = ~free;
        Vector256<uint> start = Vector256.ConditionalSelect(known, suffix - ends, Vector256.Create(carry));
        Vector256<uint> from = Vector256.Create(0u, 0, 1, 2, 3, 4, 5, 6);
        start = Vector256.ConditionalSelect(known, start, Vector256.Shuffle(start, from));
        known |= Vector256.Shuffle(known, from);
        from = Vector256.Create(0u, 1, 0, 1, 2, 3, 4, 5);
        start = Vector256.ConditionalSelect(known, start, Vector256.Shuffle(start, from));
        known |= Vector256.Shuffle(known, from);
        from = Vector256.Create(0u, 1, 2, 3, 0, 1, 2, 3);
        start = Vector256.ConditionalSelect(known, start, Vector256.Shuffle(start, from));
        return start + ends;
    }

    /// <summary>The largest lane of <paramref name="values"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint MaxLane(Vector256<uint> values)
    {
        Vector128<uint> half = Vector128.Max(values.GetLower(), values.GetUpper());
        half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(2u, 3, 0, 1)));
        half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(1u, 0, 3, 2)));
        return half.ToScalar();
    }

    /// <summary>Lane <paramref name="lane"/> (0 ≤ lane &lt; Fan, not a constant) of <paramref name="values"/>, by a
    /// permute rather than a trip through memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Lane(Vector256<uint> values, int lane) => Vector256.Shuffle(values, Vector256.Create((uint)lane)).ToScalar();

    /// <summary>Stores <paramref name="runs"/>, which differ from what is stored, as node <paramref name="index"/> of
    /// <paramref name="level"/> and brings its ancestors up to date, stopping at the first that does not change. Each
    /// parent is combined from its children's group as loaded before the child is stored, with the new child put in
    /// its lane in registers: a vector load of a group just written by narrower stores would wait for them
    /// (store-to-load forwarding fails), which cost more than the combine itself. When only the child's longest run
    /// changed and the parent's longest run is longer than the child's old one (a cut) or at least its new one (a
    /// merge), the parent cannot change, so neither it nor the combine is looked at (about half of all steps on the
    /// benchmark traces); when a merge makes the child's longest run longer than the parent's, that is the parent's
    /// new longest run, again without the combine.</summary>
    private void Propagate(int level, long index, ZeroRuns runs)
    {
        ref uint nodes = ref MemoryMarshal.GetArrayDataReference(_runs);
        ref int levelStart = ref MemoryMarshal.GetArrayDataReference(_levelStart);
        for (; level < _height; level++)
        {
            int entry = Unsafe.Add(ref levelStart, level) + (int)index;
            int lane = entry & (Fan - 1);
            ref uint group = ref Unsafe.Add(ref nodes, 3 * (entry - lane));
            ref uint old = ref Entry(level + 1, index >> FanShift);
            uint oldPrefix = Unsafe.Add(ref group, lane), oldSuffix = Unsafe.Add(ref group, lane + Fan), oldLongest = Unsafe.Add(ref group, lane + 2 * Fan);
            uint parentLongest = Unsafe.Add(ref old, 2 * Fan);
            if (((oldPrefix ^ runs.Prefix) | (oldSuffix ^ runs.Suffix)) == 0
                && (runs.Longest > oldLongest || oldLongest < parentLongest))
            {
                // Only the child's longest run changed. If the parent's longest is longer than both the old and the new
                // one (or as long as the new, grown one), the parent cannot change; if the grown one is longer than
                // the parent's, it is the parent's new longest, the parent's prefix and suffix staying.
                Unsafe.Add(ref group, lane + 2 * Fan) = runs.Longest;
                if (runs.Longest <= parentLongest)
                    return;
                runs = new ZeroRuns(old, Unsafe.Add(ref old, Fan), runs.Longest);
                index >>= FanShift;
                continue;
            }
            Vector256<uint> here = Vector256.Equals(Vector256<uint>.Indices, Vector256.Create((uint)lane));
            Vector256<uint> prefix = Vector256.ConditionalSelect(here, Vector256.Create(runs.Prefix), Vector256.LoadUnsafe(ref group));
            Vector256<uint> suffix = Vector256.ConditionalSelect(here, Vector256.Create(runs.Suffix), Vector256.LoadUnsafe(ref group, Fan));
            Vector256<uint> longest = Vector256.ConditionalSelect(here, Vector256.Create(runs.Longest), Vector256.LoadUnsafe(ref group, 2 * Fan));
            Unsafe.Add(ref group, lane) = runs.Prefix;
            Unsafe.Add(ref group, lane + Fan) = runs.Suffix;
            Unsafe.Add(ref group, lane + 2 * Fan) = runs.Longest;
            ZeroRuns parent = Combine(prefix, suffix, longest, (uint)LengthAt(level));
            index >>= FanShift;
            if (((old ^ parent.Prefix) | (Unsafe.Add(ref old, Fan) ^ parent.Suffix) | (Unsafe.Add(ref old, 2 * Fan) ^ parent.Longest)) == 0)
                return;
            runs = parent;
        }
        Put(level, index, runs);
    }

    /// <summary>The first child of node <paramref name="index"/> of <paramref name="level"/> (≥ 1) where a run of
    /// <paramref name="count"/> free bits starts, counting <paramref name="carry"/> free bits just before the node:
    /// returns the child's index on level - 1 and sets <paramref name="runStart"/> to the run's first bit when the
    /// run begins before the child and reaches into its prefix, else leaves it -1 and sets <paramref name="carry"/>
    /// to the free bits before the child (the run lies in the child's stretch, maybe with that carry). The caller
    /// knows such a run exists.</summary>
    private long ChildWithRun(int level, long index, ref long carry, long count, out long runStart)
    {
        Debug.Assert(level >= 1 && count <= uint.MaxValue && carry <= uint.MaxValue);
#if DEBUG
        long carryIn = carry;
#endif
        uint length = (uint)LengthAt(level - 1);
        long child = index << FanShift;
        int first = 3 * (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_levelStart), level - 1) + (int)child);
        Vector256<uint> prefix = Load(_runs, first);
        Vector256<uint> suffix = Load(_runs, first + Fan);
        // A run carried across wholly free children matters only for a run longer than a child: else the first
        // free child already holds it (its longest is its length), so no later lane can be the first found, and the
        // lane found has a child before it that is not wholly free (or is lane 0), whose suffix is the exact carry.
        Vector256<uint> ends = suffix;
        if (count > length)
        {
            Vector256<uint> free = Vector256.Equals(prefix, Vector256.Create(length));
            if (free != Vector256<uint>.Zero)
                ends = EndsAcrossFree(free, suffix, length, (uint)carry);
        }
        Vector256<uint> before = Previous(ends).WithElement(0, (uint)carry);
        Vector256<uint> wanted = Vector256.Create((uint)count);
        uint crossing = Vector256.GreaterThanOrEqual(before + prefix, wanted).ExtractMostSignificantBits();
        uint inside = Vector256.GreaterThanOrEqual(Load(_runs, first + 2 * Fan), wanted).ExtractMostSignificantBits();
        int lane = BitOperations.TrailingZeroCount(crossing | inside);
        if (lane >= Fan)
            ThrowNoRunBelow(level, index, count);
        carry = Lane(before, lane);
        runStart = (crossing & (1u << lane)) != 0 ? StartOf(level - 1, child + lane) - carry : -1;
#if DEBUG
        CheckChildWithRun(level, index, carryIn, count, child + lane, carry, runStart);
#endif
        return child + lane;
    }

    /// <summary>Throws: node <paramref name="index"/> of <paramref name="level"/> promised a run its children do not
    /// hold (kept out of line so the descent stays small).</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNoRunBelow(int level, long index, long count) =>
        throw Corrupt($"node {index} of level {level} promises a run of {count} free bits that its children do not hold");
}
