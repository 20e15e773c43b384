namespace Cma.Plugins.BestFit;

/// <summary>
/// Per alignment above the granule that has been requested (a tracked alignment), a bound per size class on the
/// aligned capacity (<see cref="BestFitUnits.AlignedCapacity"/>) of its holes, so that a search skips a class whose
/// bound is below the request without visiting its holes, and stays exact. The bound is lazy: an insert raises it, a
/// remove leaves it (still an upper bound), an emptied class resets it to 0, and a search that tries every hole of the
/// class without a fit lowers it to the exact maximum it saw. E.g. granule 4K, alignment 64K: a hole
/// [0x13000, +0x11000) has capacity 0x4000, so its class's bound becomes at least 0x4000.
/// </summary>
/// <remarks>A mutable struct kept in a field of its owner, so a call is no extra indirection; never copy it.</remarks>
internal struct AlignedCapacityBounds
{
    /// <summary>Size classes (see <see cref="SizeClassBitmap.ClassCount"/>).</summary>
    private const int ClassCount = SizeClassBitmap.ClassCount;

    /// <summary>Per log2 of an alignment, its tracking slot, or -1 when it is not tracked. Only alignments above the
    /// granule are ever tracked: at the granule every hole's padding is 0.</summary>
    private readonly int[] _slotOfAlignmentLog;

    /// <summary>Per tracking slot, log2 of its alignment; the first <see cref="_trackedCount"/> entries are used.</summary>
    private readonly int[] _trackedAlignmentLogs;

    /// <summary>Alignments tracked so far; each costs 64 KiB of bounds and a little work per insert and remove.</summary>
    private int _trackedCount;

    /// <summary>Entry <c>slot × ClassCount + class</c>: at least the aligned capacity, for the slot's alignment, of
    /// every hole in the class (0 for an empty class). Grows by one block per newly tracked alignment.</summary>
    private ulong[] _bounds;

    /// <summary>Creates bounds that track no alignment yet.</summary>
    public AlignedCapacityBounds()
    {
        _slotOfAlignmentLog = new int[64];
        Array.Fill(_slotOfAlignmentLog, -1);
        _trackedAlignmentLogs = new int[64];
        _bounds = [];
    }

    /// <summary>Whether some alignment is tracked (so inserts and removes must be counted).</summary>
    public readonly bool Any => _trackedCount != 0;

    /// <summary>The slot of the alignment of log2 <paramref name="alignmentLog"/>, or -1 when it is not tracked.</summary>
    public readonly int SlotOf(int alignmentLog) => _slotOfAlignmentLog[alignmentLog];

    /// <summary>Starts tracking an alignment with every bound at 0: the caller then raises them for every hole
    /// (<see cref="Raise"/>).</summary>
    /// <param name="alignmentLog">log2 of an alignment above the granule, not yet tracked.</param>
    /// <returns>The alignment's slot.</returns>
    public int Track(int alignmentLog)
    {
        int slot = _trackedCount++;
        _trackedAlignmentLogs[slot] = alignmentLog;
        _slotOfAlignmentLog[alignmentLog] = slot;
        Array.Resize(ref _bounds, _trackedCount * ClassCount);
        return slot;
    }

    /// <summary>The lazy bound of class <paramref name="sizeClass"/> for the alignment of <paramref name="slot"/>, by
    /// reference: a search that passed over every hole of the class lowers it to the maximum it saw.</summary>
    public readonly ref ulong Bound(int slot, int sizeClass) => ref _bounds[(slot * ClassCount) + sizeClass];

    /// <summary>A hole entered class <paramref name="sizeClass"/>: raises the class's bound to its capacity for every
    /// tracked alignment.</summary>
    public readonly void RaiseAll(ulong start, ulong size, int sizeClass)
    {
        for (int slot = 0; slot < _trackedCount; slot++)
            Raise(slot, start, size, sizeClass);
    }

    /// <summary>A hole entered class <paramref name="sizeClass"/>: raises the class's bound for one tracked alignment.</summary>
    public readonly void Raise(int slot, ulong start, ulong size, int sizeClass)
    {
        ulong capacity = BestFitUnits.AlignedCapacity(start, size, 1UL << _trackedAlignmentLogs[slot]);
        ref ulong bound = ref _bounds[(slot * ClassCount) + sizeClass];
        if (capacity > bound)
            bound = capacity;
    }

    /// <summary>Class <paramref name="sizeClass"/> became empty: its bound is 0 for every tracked alignment.</summary>
    public readonly void ResetAll(int sizeClass)
    {
        for (int slot = 0; slot < _trackedCount; slot++)
            _bounds[(slot * ClassCount) + sizeClass] = 0;
    }

    /// <summary>Checks every tracked alignment's bounds against <paramref name="holes"/>, every hole of the index:
    /// each bound at least the capacity of each hole of its class. O(n) per tracked alignment.</summary>
    /// <param name="items">The hole slots.</param>
    /// <param name="holes">Every hole of the index.</param>
    /// <param name="granuleShift">log2 of the region's granule.</param>
    /// <exception cref="InvalidOperationException">A bound is below a capacity, or a slot is inconsistent.</exception>
    public readonly void Audit(Hole[] items, List<int> holes, int granuleShift)
    {
        for (int slot = 0; slot < _trackedCount; slot++)
        {
            ulong alignment = 1UL << _trackedAlignmentLogs[slot];
            if (_slotOfAlignmentLog[_trackedAlignmentLogs[slot]] != slot || alignment >> granuleShift <= 1)
                throw new InvalidOperationException($"best-fit tracked alignment slot {slot} is inconsistent.");
            foreach (int hole in holes)
            {
                ulong capacity = BestFitUnits.AlignedCapacity(items[hole].Start, items[hole].Size, alignment);
                int sizeClass = BestFitUnits.SizeClass(items[hole].Size >> granuleShift);
                if (_bounds[(slot * ClassCount) + sizeClass] < capacity)
                    throw new InvalidOperationException($"best-fit capacity bound for alignment 0x{alignment:X} is below hole 0x{items[hole].Start:X}'s capacity.");
            }
        }
    }
}
