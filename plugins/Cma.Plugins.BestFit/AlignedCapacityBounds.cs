using System.Numerics;
using System.Runtime.Intrinsics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// Per alignment above the granule that has been requested (a tracked alignment), a bound per size class on the
/// aligned capacity (<see cref="BestFitUnits.AlignedCapacity"/>) of its holes, so that a search skips a class whose
/// bound is below the request without visiting its holes, and stays exact. A small class (below
/// <see cref="SmallClasses"/> granules, where the padding holes of aligned chunks pile up) keeps it exact: a count of
/// its holes per capacity in granules (1 to 63; a hole of capacity 0 holds nothing and is not counted) and a mask of
/// the non-zero counts, whose top bit is the maximum (one byte per class keeps it for a vector compare). Any other
/// class keeps a lazy bound (in granules, 16 bits, for the exact classes): an insert raises it, a remove leaves it
/// (still an upper bound), an emptied class resets it to 0, and a search that tries every hole of the class without a
/// fit lowers it to the exact maximum it saw. E.g. granule 4K, alignment 64K: a 17-granule hole [0x13000, +0x11000)
/// has capacity 0x4000 (4 granules), so count 4 of class 17 goes up and bit 4 of its mask is set.
/// </summary>
/// <remarks>A mutable struct kept in a field of its owner, so a call is no extra indirection; never copy it.</remarks>
internal struct AlignedCapacityBounds
{
    /// <summary>Classes below this one keep exact capacity counts (their capacities are 0 to 63 granules; 0 is not
    /// counted).</summary>
    public const int SmallClasses = 64;

    /// <summary>Classes below this one are exact (one size each; see <see cref="BestFitUnits.ExactClasses"/>).</summary>
    public const int ExactClasses = BestFitUnits.ExactClasses;

    /// <summary>Size classes above the exact ones (see <see cref="SizeClassBitmap.ClassCount"/>).</summary>
    private const int WideClasses = SizeClassBitmap.ClassCount - ExactClasses;

    /// <summary>log2 of the region's granule: a capacity in granules is <c>capacity &gt;&gt; _granuleShift</c>.</summary>
    private readonly int _granuleShift;

    /// <summary>Per log2 of an alignment, its tracking slot, or -1 when it is not tracked. Only alignments above the
    /// granule are ever tracked: at the granule every hole's padding is 0.</summary>
    private readonly int[] _slotOfAlignmentLog;

    /// <summary>Per tracking slot, log2 of its alignment; the first <see cref="_trackedCount"/> entries are used.</summary>
    private readonly int[] _trackedAlignmentLogs;

    /// <summary>Alignments tracked so far; each costs 32 KiB of wide-class bounds, 8 KiB of exact-class bounds, the small
    /// classes' counts and a little work per insert and remove.</summary>
    private int _trackedCount;

    /// <summary>Entry <c>slot × WideClasses + class − ExactClasses</c>, for the wide classes (the exact ones keep theirs
    /// in <see cref="_exactBounds"/>): at least the aligned capacity, for the slot's alignment, of every hole in the class
    /// (0 for an empty class). Grows by one block per newly tracked alignment.</summary>
    private ulong[] _bounds;

    /// <summary>Entry <c>slot × ExactClasses + class</c>, for the exact classes that are not small: the class's lazy
    /// bound in granules (a capacity there is below 4096 granules), kept here instead of in <see cref="_bounds"/> so
    /// that <see cref="FirstExactMayHold"/> compares 16 classes per vector step; 16 spare entries at the end let the
    /// last step read past the last class.</summary>
    private ushort[] _exactBounds;

    /// <summary>Entry <c>(slot × SmallClasses + class) × 64 + c</c>: how many holes of small class <c>class</c> have an
    /// aligned capacity of <c>c</c> granules for the slot's alignment; for <c>c</c> = 0 always 0: a hole with no
    /// capacity never holds a request, so it is not counted (at a large alignment most small holes, whose counts would
    /// otherwise be written on every insert and remove).</summary>
    private int[] _smallCounts;

    /// <summary>Entry <c>slot × SmallClasses + class</c>: bit <c>c</c> set exactly when the matching count of
    /// <see cref="_smallCounts"/> is not zero; its top bit is the class's largest capacity in granules.</summary>
    private ulong[] _smallMasks;

    /// <summary>Entry <c>slot × SmallClasses + class</c>: the top bit of the matching mask of <see cref="_smallMasks"/>,
    /// i.e. the small class's largest capacity in granules (0 when the class is empty). One byte per class, so a
    /// slot's 64 classes are one cache line that <see cref="FirstSmallHolding"/> compares in two vector steps.</summary>
    private byte[] _smallMaxima;

    /// <summary>Creates bounds that track no alignment yet.</summary>
    /// <param name="granuleShift">log2 of the region's granule.</param>
    public AlignedCapacityBounds(int granuleShift)
    {
        _granuleShift = granuleShift;
        _smallCounts = [];
        _smallMasks = [];
        _smallMaxima = [];
        _slotOfAlignmentLog = new int[64];
        Array.Fill(_slotOfAlignmentLog, -1);
        _trackedAlignmentLogs = new int[64];
        _bounds = [];
        _exactBounds = [];
    }

    /// <summary>Whether some alignment is tracked (so inserts and removes must be counted).</summary>
    public readonly bool Any => _trackedCount != 0;

    /// <summary>The slot of the alignment of log2 <paramref name="alignmentLog"/>, or -1 when it is not tracked.</summary>
    public readonly int SlotOf(int alignmentLog) => _slotOfAlignmentLog[alignmentLog];

    /// <summary>Starts tracking an alignment with every bound at 0: the caller then raises them for every hole
    /// (<see cref="Count"/>).</summary>
    /// <param name="alignmentLog">log2 of an alignment above the granule, not yet tracked.</param>
    /// <returns>The alignment's slot.</returns>
    public int Track(int alignmentLog)
    {
        int slot = _trackedCount++;
        _trackedAlignmentLogs[slot] = alignmentLog;
        _slotOfAlignmentLog[alignmentLog] = slot;
        Array.Resize(ref _bounds, _trackedCount * WideClasses);
        Array.Resize(ref _exactBounds, (_trackedCount * ExactClasses) + Vector256<ushort>.Count);
        Array.Resize(ref _smallCounts, _trackedCount * SmallClasses * 64);
        Array.Resize(ref _smallMasks, _trackedCount * SmallClasses);
        Array.Resize(ref _smallMaxima, _trackedCount * SmallClasses);
        return slot;
    }

    /// <summary>The smallest small class at or above <paramref name="firstClass"/> with a hole whose aligned capacity,
    /// for the alignment of <paramref name="slot"/>, is at least <paramref name="granules"/>: the best fit's class when
    /// the request is small, since the small classes' maxima are exact. E.g. maxima 0, 3, 0, 9 in classes 4 to 7, a
    /// 5-granule request: class 7.</summary>
    /// <param name="slot">A tracked alignment's slot.</param>
    /// <param name="granules">The request in granules, 1 to 63 (an empty class, maximum 0, never holds it).</param>
    /// <param name="firstClass">The request's class (its granule count).</param>
    /// <returns>The class, or -1 when no small class holds the request.</returns>
    public readonly int FirstSmallHolding(int slot, int granules, int firstClass)
    {
        var maxima = new ReadOnlySpan<byte>(_smallMaxima, slot * SmallClasses, SmallClasses);
        Vector256<byte> request = Vector256.Create((byte)granules);
        ulong low = Vector256.GreaterThanOrEqual(Vector256.Create(maxima), request).ExtractMostSignificantBits();
        ulong high = Vector256.GreaterThanOrEqual(Vector256.Create(maxima[32..]), request).ExtractMostSignificantBits();
        ulong holding = (low | (high << 32)) & (ulong.MaxValue << firstClass);
        return holding == 0 ? -1 : BitOperations.TrailingZeroCount(holding);
    }

    /// <summary>The first exact class from <paramref name="fromClass"/> (small classes excluded) up to
    /// <paramref name="toClass"/> (excluded, at most <see cref="ExactClasses"/>) whose lazy bound for the alignment of
    /// <paramref name="slot"/> is at least <paramref name="granules"/>: the next class that may hold the request (an
    /// empty class has bound 0). Vector steps of 16 classes. E.g. bounds 3, 0, 7 in classes 100 to 102, a 5-granule
    /// request from class 100: class 102.</summary>
    /// <returns>The class, or -1.</returns>
    public readonly int FirstExactMayHold(int slot, int fromClass, int toClass, int granules)
    {
        Vector256<ushort> request = Vector256.Create((ushort)granules);
        int row = slot * ExactClasses;
        for (int sizeClass = fromClass; sizeClass < toClass; sizeClass += Vector256<ushort>.Count)
        {
            var bounds = Vector256.Create(new ReadOnlySpan<ushort>(_exactBounds, row + sizeClass, Vector256<ushort>.Count));
            uint holding = Vector256.GreaterThanOrEqual(bounds, request).ExtractMostSignificantBits();
            int left = toClass - sizeClass;
            if (left < Vector256<ushort>.Count)
                holding &= (1U << left) - 1;
            if (holding != 0)
                return sizeClass + BitOperations.TrailingZeroCount(holding);
        }
        return -1;
    }

    /// <summary>Lowers the lazy bound of exact class <paramref name="sizeClass"/> (not small) for the alignment of
    /// <paramref name="slot"/> to <paramref name="capacity"/> bytes, the largest capacity a search that passed over
    /// every hole of the class saw.</summary>
    public readonly void LowerExact(int slot, int sizeClass, ulong capacity) =>
        _exactBounds[(slot * ExactClasses) + sizeClass] = (ushort)(capacity >> _granuleShift);

    /// <summary>The lazy bound of wide class <paramref name="sizeClass"/> for the alignment of <paramref name="slot"/>, by
    /// reference: a search that passed over every hole of the class lowers it to the maximum it saw.</summary>
    public readonly ref ulong Bound(int slot, int sizeClass) => ref _bounds[WideIndex(slot, sizeClass)];

    /// <summary>Where wide class <paramref name="sizeClass"/>'s bound for <paramref name="slot"/> is in <see cref="_bounds"/>.</summary>
    private static int WideIndex(int slot, int sizeClass) => (slot * WideClasses) + sizeClass - ExactClasses;

    /// <summary>A hole entered (<paramref name="delta"/> +1) or left (-1) class <paramref name="sizeClass"/>: counts it
    /// for every tracked alignment (see <see cref="Count"/>).</summary>
    public void CountAll(ulong start, ulong size, int sizeClass, int delta)
    {
        for (int slot = 0; slot < _trackedCount; slot++)
            Count(slot, start, size, sizeClass, delta);
    }

    /// <summary>A hole entered (<paramref name="delta"/> +1) or left (-1) class <paramref name="sizeClass"/>, for one
    /// tracked alignment: in a small class, its capacity's count and mask bit; in another class, entering raises the
    /// lazy bound and leaving leaves it.</summary>
    public void Count(int slot, ulong start, ulong size, int sizeClass, int delta)
    {
        ulong capacity = BestFitUnits.AlignedCapacity(start, size, 1UL << _trackedAlignmentLogs[slot]);
        if (sizeClass < SmallClasses)
        {
            int granules = (int)(capacity >> _granuleShift);
            if (granules == 0)
                return; // never holds a request: not counted
            int mask = (slot * SmallClasses) + sizeClass;
            int count = _smallCounts[(mask * 64) + granules] += delta;
            // The capacity's bit is set exactly when its count is not 0; written with no branch (counts that change
            // between 0 and 1 in random order), and so is the maximum.
            ulong bit = 1UL << granules;
            ulong held = count != 0 ? 1UL : 0UL;
            ulong bits = (_smallMasks[mask] & ~bit) | (bit & (0 - held));
            _smallMasks[mask] = bits;
            _smallMaxima[mask] = (byte)(63 - BitOperations.LeadingZeroCount(bits | 1));
        }
        else if (delta > 0 && sizeClass < ExactClasses)
        {
            ref ushort bound = ref _exactBounds[(slot * ExactClasses) + sizeClass];
            ushort granules = (ushort)(capacity >> _granuleShift);
            if (granules > bound)
                bound = granules;
        }
        else if (delta > 0)
        {
            ref ulong bound = ref _bounds[WideIndex(slot, sizeClass)];
            if (capacity > bound)
                bound = capacity;
        }
    }

    /// <summary>Class <paramref name="sizeClass"/> (not small) became empty: its lazy bound is 0 for every tracked alignment.</summary>
    public readonly void ResetAll(int sizeClass)
    {
        for (int slot = 0; slot < _trackedCount; slot++)
        {
            if (sizeClass < ExactClasses)
                _exactBounds[(slot * ExactClasses) + sizeClass] = 0;
            else
                _bounds[WideIndex(slot, sizeClass)] = 0;
        }
    }

    /// <summary>Checks every tracked alignment's bounds against <paramref name="holes"/>, every hole of the index:
    /// the small classes' counts and masks exact, every other bound at least the capacity of each hole of its class.
    /// O(n) per tracked alignment.</summary>
    /// <param name="items">The hole slots.</param>
    /// <param name="holes">Every hole of the index.</param>
    /// <exception cref="InvalidOperationException">A bound is below a capacity, or a slot is inconsistent.</exception>
    public readonly void Audit(Hole[] items, List<int> holes)
    {
        for (int slot = 0; slot < _trackedCount; slot++)
        {
            ulong alignment = 1UL << _trackedAlignmentLogs[slot];
            if (_slotOfAlignmentLog[_trackedAlignmentLogs[slot]] != slot || alignment >> _granuleShift <= 1)
                throw new InvalidOperationException($"best-fit tracked alignment slot {slot} is inconsistent.");
            var counts = new int[SmallClasses * 64];
            foreach (int hole in holes)
            {
                ulong capacity = BestFitUnits.AlignedCapacity(items[hole].Start, items[hole].Size, alignment);
                int sizeClass = BestFitUnits.SizeClass(items[hole].Size >> _granuleShift);
                int granules = (int)(capacity >> _granuleShift);
                ulong bound = sizeClass < ExactClasses
                    ? (ulong)_exactBounds[(slot * ExactClasses) + sizeClass] << _granuleShift
                    : _bounds[WideIndex(slot, sizeClass)];
                if (sizeClass < SmallClasses)
                    counts[(sizeClass * 64) + granules] += granules == 0 ? 0 : 1; // capacity 0 is not counted
                else if (bound < capacity)
                    throw new InvalidOperationException($"best-fit capacity bound for alignment 0x{alignment:X} is below hole 0x{items[hole].Start:X}'s capacity.");
            }
            for (int i = 0; i < counts.Length; i++)
            {
                int index = (slot * SmallClasses * 64) + i;
                ulong mask = _smallMasks[index >> 6];
                bool bit = (mask & (1UL << i)) != 0;
                bool maximum = _smallMaxima[index >> 6] == 63 - BitOperations.LeadingZeroCount(mask | 1);
                if (_smallCounts[index] != counts[i] || bit != (counts[i] != 0) || !maximum)
                    throw new InvalidOperationException($"best-fit capacity count for alignment 0x{alignment:X}, class {i / 64}, capacity {i % 64} granules is wrong.");
            }
        }
    }
}
