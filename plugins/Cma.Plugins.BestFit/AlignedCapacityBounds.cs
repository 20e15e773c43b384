using System.Numerics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// For each alignment above the granule that has been requested (a tracked alignment), a bound per size class on the
/// aligned capacity (<see cref="BestFitUnits.AlignedCapacity"/>) of its holes, so that a search skips a class whose
/// bound is below the request without visiting its holes, and stays exact. An exact class keeps the bound exact: a
/// count of its holes per capacity in granules (at most 63) and a mask of the non-zero counts, whose top bit is the
/// maximum. A wide class keeps a lazy upper bound: an insert raises it, a remove leaves it (still an upper bound), an
/// emptied class resets it to 0, and a search that tries every hole of the class without a fit lowers it to the exact
/// maximum it saw. E.g. granule 4K, alignment 64K: an exact-class hole [0x13000, +0x11000) has capacity 0x4000, so
/// count 4 of its class goes up and bit 4 of the mask is set.
/// </summary>
/// <remarks>A mutable struct kept in a field of its owner, so a call is no extra indirection; never copy it.</remarks>
internal struct AlignedCapacityBounds
{
    /// <summary>Exact classes, whose capacities are 0 to 63 granules (see <see cref="SizeClassTrees.ExactClasses"/>).</summary>
    private const int ExactClasses = SizeClassTrees.ExactClasses;

    /// <summary>Size classes (see <see cref="SizeClassBitmap.ClassCount"/>).</summary>
    private const int ClassCount = SizeClassBitmap.ClassCount;

    /// <summary>log2 of the region's granule: a capacity in granules is <c>capacity &gt;&gt; _granuleShift</c>.</summary>
    private readonly int _granuleShift;

    /// <summary>Per log2 of an alignment, its tracking slot, or -1 when it is not tracked. Only alignments above the
    /// granule are ever tracked: at the granule every hole's padding is 0.</summary>
    private readonly int[] _slotOfAlignmentLog;

    /// <summary>Per tracking slot, log2 of its alignment; the first <see cref="_trackedCount"/> entries are used.</summary>
    private readonly int[] _trackedAlignmentLogs;

    /// <summary>Alignments tracked so far; each costs some 48 KiB of bounds and a little work per insert and remove.</summary>
    private int _trackedCount;

    /// <summary>Entry <c>slot × ClassCount + class</c>, for wide classes: at least the aligned capacity, for the
    /// slot's alignment, of every hole in the class (0 for an empty class). Grows by one block per newly tracked
    /// alignment.</summary>
    private ulong[] _wideBounds;

    /// <summary>Entry <c>(slot × ExactClasses + class) × 64 + c</c>: how many holes of exact class <c>class</c> have
    /// an aligned capacity of <c>c</c> granules for the slot's alignment.</summary>
    private int[] _exactCounts;

    /// <summary>Entry <c>slot × ExactClasses + class</c>: bit <c>c</c> set exactly when the matching count of
    /// <see cref="_exactCounts"/> is not zero; its top bit is the class's largest capacity in granules.</summary>
    private ulong[] _exactMasks;

    /// <summary>Creates bounds that track no alignment yet.</summary>
    /// <param name="granuleShift">log2 of the region's granule.</param>
    public AlignedCapacityBounds(int granuleShift)
    {
        _granuleShift = granuleShift;
        _slotOfAlignmentLog = new int[64];
        Array.Fill(_slotOfAlignmentLog, -1);
        _trackedAlignmentLogs = new int[64];
        _wideBounds = [];
        _exactCounts = [];
        _exactMasks = [];
    }

    /// <summary>Whether some alignment is tracked (so inserts and removes must be counted).</summary>
    public readonly bool Any => _trackedCount != 0;

    /// <summary>The slot of the alignment of log2 <paramref name="alignmentLog"/>, or -1 when it is not tracked.</summary>
    public readonly int SlotOf(int alignmentLog) => _slotOfAlignmentLog[alignmentLog];

    /// <summary>Starts tracking an alignment with every bound at 0: the caller then counts every hole in
    /// (<see cref="Count"/>).</summary>
    /// <param name="alignmentLog">log2 of an alignment above the granule, not yet tracked.</param>
    /// <returns>The alignment's slot.</returns>
    public int Track(int alignmentLog)
    {
        int slot = _trackedCount++;
        _trackedAlignmentLogs[slot] = alignmentLog;
        _slotOfAlignmentLog[alignmentLog] = slot;
        Array.Resize(ref _wideBounds, _trackedCount * ClassCount);
        Array.Resize(ref _exactCounts, _trackedCount * ExactClasses * 64);
        Array.Resize(ref _exactMasks, _trackedCount * ExactClasses);
        return slot;
    }

    /// <summary>The largest aligned capacity, in granules, of the holes of exact class <paramref name="sizeClass"/>
    /// (non-empty) for the alignment of <paramref name="slot"/>.</summary>
    public readonly ulong ExactMaxGranules(int slot, int sizeClass) =>
        (ulong)(63 - BitOperations.LeadingZeroCount(_exactMasks[(slot * ExactClasses) + sizeClass]));

    /// <summary>The lazy bound of wide class <paramref name="sizeClass"/> for the alignment of <paramref name="slot"/>,
    /// by reference: a search that passed over every hole of the class lowers it to the maximum it saw.</summary>
    public readonly ref ulong WideBound(int slot, int sizeClass) => ref _wideBounds[(slot * ClassCount) + sizeClass];

    /// <summary>Counts a hole entering (<paramref name="delta"/> +1) or leaving (-1) a class for every tracked
    /// alignment; <paramref name="classEmptied"/>: the hole left a wide class that is now empty.</summary>
    public void CountAll(ulong start, ulong size, int sizeClass, int delta, bool classEmptied)
    {
        for (int slot = 0; slot < _trackedCount; slot++)
            Count(slot, start, size, sizeClass, delta, classEmptied);
    }

    /// <summary>Counts a hole entering (<paramref name="delta"/> +1) or leaving (-1) a class for one tracked
    /// alignment: in an exact class, its capacity's count and mask bit; in a wide class, entering raises the lazy
    /// bound, and leaving resets it to 0 once the class is empty (<paramref name="classEmptied"/>).</summary>
    public void Count(int slot, ulong start, ulong size, int sizeClass, int delta, bool classEmptied)
    {
        ulong capacity = BestFitUnits.AlignedCapacity(start, size, 1UL << _trackedAlignmentLogs[slot]);
        if (sizeClass < ExactClasses)
        {
            int granules = (int)(capacity >> _granuleShift);
            int mask = (slot * ExactClasses) + sizeClass;
            int count = _exactCounts[(mask * 64) + granules] += delta;
            if (count == 0)
                _exactMasks[mask] &= ~(1UL << granules);
            else if (count == 1 && delta > 0)
                _exactMasks[mask] |= 1UL << granules;
        }
        else if (delta > 0)
        {
            ref ulong bound = ref _wideBounds[(slot * ClassCount) + sizeClass];
            if (capacity > bound)
                bound = capacity;
        }
        else if (classEmptied)
        {
            _wideBounds[(slot * ClassCount) + sizeClass] = 0;
        }
    }

    /// <summary>Checks every tracked alignment's counts, masks and bounds against <paramref name="holes"/>, every
    /// hole of the index. O(n) per tracked alignment.</summary>
    /// <exception cref="InvalidOperationException">A count or mask is wrong, or a bound is below a capacity.</exception>
    public readonly void Audit(Hole[] items, List<int> holes)
    {
        for (int slot = 0; slot < _trackedCount; slot++)
        {
            ulong alignment = 1UL << _trackedAlignmentLogs[slot];
            if (_slotOfAlignmentLog[_trackedAlignmentLogs[slot]] != slot || alignment >> _granuleShift <= 1)
                throw new InvalidOperationException($"best-fit tracked alignment slot {slot} is inconsistent.");
            var counts = new int[ExactClasses * 64];
            foreach (int hole in holes)
            {
                ulong capacity = BestFitUnits.AlignedCapacity(items[hole].Start, items[hole].Size, alignment);
                int sizeClass = BestFitUnits.SizeClass(items[hole].Size >> _granuleShift);
                if (sizeClass < ExactClasses)
                    counts[(sizeClass * 64) + (int)(capacity >> _granuleShift)]++;
                else if (_wideBounds[(slot * ClassCount) + sizeClass] < capacity)
                    throw new InvalidOperationException($"best-fit capacity bound for alignment 0x{alignment:X} is below hole 0x{items[hole].Start:X}'s capacity.");
            }
            for (int i = 0; i < counts.Length; i++)
            {
                int index = (slot * ExactClasses * 64) + i;
                bool bit = (_exactMasks[index >> 6] & (1UL << i)) != 0;
                if (_exactCounts[index] != counts[i] || bit != (counts[i] != 0))
                    throw new InvalidOperationException($"best-fit capacity count for alignment 0x{alignment:X}, class {i / 64}, capacity {i % 64} granules is wrong.");
            }
        }
    }
}
