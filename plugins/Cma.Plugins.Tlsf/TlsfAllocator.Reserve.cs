using System.Diagnostics;

namespace Cma.Plugins.Tlsf;

/// <summary>Exact placement (contract 1.1): a range is reserved by cutting it out of the free block that contains it.</summary>
internal sealed partial class TlsfAllocator
{
    /// <inheritdoc/>
    /// <remarks>Free blocks never touch, so a range is free exactly when one free block contains all of it; it is then
    /// cut out as an allocation at that offset would be (<see cref="Carve"/>: the block keeps the gap before the range,
    /// a tail after it becomes a block of its own). Cost: O(1) expected when the range starts where a free block starts
    /// or ends where one ends (the boundary index; the usual case when a live set is rebuilt in address order),
    /// otherwise a walk of the lists whose blocks may be large enough, O(free blocks).</remarks>
    public bool TryReserve(ulong address, ulong size)
    {
        Debug.Assert(size > 0 && (size & (_region.Granule - 1)) == 0, "size is a positive multiple of the granule");
        Debug.Assert((address & (_region.Granule - 1)) == 0 && _region.Contains(address, size), "the range is granule-aligned and in the region");
        ulong start = address >> _granuleShift;
        ulong granules = size >> _granuleShift;
        if (granules > _lists.Granules)
            return false;
        int slot = FindBlockContaining(start, start + granules);
        if (slot == FreeLists.None)
            return false;
        Carve(slot, start, granules);
        CheckPeriodically();
        return true;
    }

    /// <summary>The free block that contains granules <c>[start, end)</c>, or <see cref="FreeLists.None"/>.</summary>
    private int FindBlockContaining(ulong start, ulong end)
    {
        // A boundary at the range's start or end belongs to at most one free block (blocks never touch).
        int slot = _boundaries.Find(start);
        if (slot != FreeLists.None && _lists[slot].Start == start)
            return _lists[slot].End >= end ? slot : FreeLists.None;
        slot = _boundaries.Find(end);
        if (slot != FreeLists.None && _lists[slot].End == end)
            return _lists[slot].Start <= start ? slot : FreeLists.None;
        // Otherwise the range lies strictly inside a block, if any: walk the lists from the range's own size class up
        // (a list below it holds only smaller blocks).
        int own = SizeClasses.ListOf(end - start, _bits);
        for (int list = _lists.FirstNonEmpty(own); list != FreeLists.None; list = _lists.FirstNonEmpty(list + 1))
        {
            for (slot = _lists.Head(list); slot != FreeLists.None; slot = _lists[slot].Next)
            {
                if (_lists[slot].Start < start && _lists[slot].End > end)
                    return slot;
            }
        }
        return FreeLists.None;
    }
}
