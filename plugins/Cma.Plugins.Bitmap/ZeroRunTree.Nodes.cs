using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cma.Plugins.Bitmap;

/// <summary>The summary tree's nodes: reading and writing one, combining a node's <see cref="Fan"/> children, and
/// picking the child a first-fit descent goes to. The last two load each field of the children as one vector and
/// need no loop when no child is wholly free (the usual case below the top levels).</summary>
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

    /// <summary>Node <paramref name="index"/> of <paramref name="level"/>.</summary>
    private ZeroRuns Get(int level, long index)
    {
        int i = Slot(_levelStart[level] + index);
        return new ZeroRuns(_runs[i], _runs[i + Fan], _runs[i + 2 * Fan]);
    }

    /// <summary>Stores <paramref name="runs"/> as node <paramref name="index"/> of <paramref name="level"/>.</summary>
    private void Put(int level, long index, ZeroRuns runs)
    {
        int i = Slot(_levelStart[level] + index);
        _runs[i] = runs.Prefix;
        _runs[i + Fan] = runs.Suffix;
        _runs[i + 2 * Fan] = runs.Longest;
    }

    /// <summary>Stores <paramref name="runs"/> as node <paramref name="index"/> of <paramref name="level"/>;
    /// returns whether that changed it.</summary>
    private bool Replace(int level, long index, ZeroRuns runs)
    {
        int i = Slot(_levelStart[level] + index);
        ref uint prefix = ref _runs[i], suffix = ref _runs[i + Fan], longest = ref _runs[i + 2 * Fan];
        bool changed = ((prefix ^ runs.Prefix) | (suffix ^ runs.Suffix) | (longest ^ runs.Longest)) != 0;
        prefix = runs.Prefix;
        suffix = runs.Suffix;
        longest = runs.Longest;
        return changed;
    }

    /// <summary>The runs of node <paramref name="index"/> of <paramref name="level"/> (≥ 1), combined from its
    /// <see cref="Fan"/> children left to right: the free run carried across wholly free children joins the next
    /// child's prefix. E.g. children (3, 5, 7), all free, (4, 0, 6), rest (0, 0, 0), 256 bits each:
    /// prefix 3, suffix 0, longest 5 + 256 + 4 = 265.</summary>
    private ZeroRuns Gather(int level, long index)
    {
        uint length = (uint)LengthAt(level - 1);
        int first = 3 * (_levelStart[level - 1] + (int)(index << FanShift));
        Vector256<uint> prefix = Load(_runs, first);
        if (!Vector256.EqualsAny(prefix, Vector256.Create(length)))
        {
            // No child is wholly free: a run crosses at most one boundary, suffix of child i - 1 + prefix of child i.
            Vector256<uint> suffix = Load(_runs, first + Fan);
            Vector256<uint> longest = Load(_runs, first + 2 * Fan);
            Vector256<uint> crossing = Previous(suffix) + prefix;
            Vector256<uint> max = Vector256.Max(longest, crossing);
            Vector128<uint> half = Vector128.Max(max.GetLower(), max.GetUpper());
            half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(2u, 3, 0, 1)));
            half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(1u, 0, 3, 2)));
            return new ZeroRuns(prefix.GetElement(0), suffix.GetElement(Fan - 1), half.ToScalar());
        }
        uint start = uint.MaxValue, carry = 0, most = 0;
        for (int i = first; i < first + Fan; i++)
        {
            if (_runs[i] == length)
            {
                carry += length;
                continue;
            }
            uint through = carry + _runs[i];
            if (start == uint.MaxValue)
                start = through;
            most = Math.Max(most, Math.Max(_runs[i + 2 * Fan], through));
            carry = _runs[i + Fan];
        }
        return start == uint.MaxValue ? ZeroRuns.Free(carry) : new ZeroRuns(start, carry, Math.Max(most, carry));
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
        uint length = (uint)LengthAt(level - 1);
        long child = index << FanShift;
        int first = 3 * (_levelStart[level - 1] + (int)child);
        Vector256<uint> prefix = Load(_runs, first);
        runStart = -1;
        if (!Vector256.EqualsAny(prefix, Vector256.Create(length)))
        {
            Vector256<uint> suffix = Load(_runs, first + Fan);
            Vector256<uint> before = Previous(suffix).WithElement(0, (uint)carry);
            Vector256<uint> wanted = Vector256.Create((uint)count);
            uint crossing = Vector256.GreaterThanOrEqual(before + prefix, wanted).ExtractMostSignificantBits();
            uint inside = Vector256.GreaterThanOrEqual(Load(_runs, first + 2 * Fan), wanted).ExtractMostSignificantBits();
            int lane = BitOperations.TrailingZeroCount(crossing | inside);
            if (lane >= Fan)
                throw Corrupt($"node {index} of level {level} promises a run of {count} free bits that its children do not hold");
            carry = lane == 0 ? carry : _runs[first + Fan + lane - 1];
            if ((crossing & (1u << lane)) != 0)
                runStart = StartOf(level - 1, child + lane) - carry;
            return child + lane;
        }
        for (int i = first; i < first + Fan; i++, child++)
        {
            if (carry + _runs[i] >= count)
            {
                runStart = StartOf(level - 1, child) - carry;
                return child;
            }
            if (_runs[i + 2 * Fan] >= count)
                return child;
            carry = _runs[i] == length ? carry + length : _runs[i + Fan];
        }
        throw Corrupt($"node {index} of level {level} promises a run of {count} free bits that its children do not hold");
    }
}
