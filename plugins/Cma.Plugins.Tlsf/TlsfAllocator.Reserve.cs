using System.Diagnostics;

namespace Cma.Plugins.Tlsf;

/// <summary>Exact placement (contract 1.1): a range is reserved by cutting it out of the free block that contains it.</summary>
internal sealed partial class TlsfAllocator
{
    /// <inheritdoc/>
    /// <remarks>Free blocks never touch, so a range is free exactly when one free block contains all of it; it is then
    /// cut out as an allocation at that offset would be (<see cref="Carve"/>: the block keeps the gap before the range,
    /// a tail after it becomes a block of its own). Finding the block: O(1) expected when the range starts where a free
    /// block starts or ends where one ends (the boundary index; the usual case when a packed live set is rebuilt in
    /// address order); otherwise the range lies strictly inside a block, found as the block with the greatest start at
    /// or below the range's in <see cref="_byStart"/>, O(log n) expected within a run of reserves (see
    /// <see cref="StartOrderTreap"/> for the one walk and one build a run starts with). Cutting is O(1), plus O(log n)
    /// in the start order when a block splits or vanishes.</remarks>
    public bool TryReserve(ulong address, ulong size)
    {
        Debug.Assert(size > 0 && (size & (_region.Granule - 1)) == 0, "size is a positive multiple of the granule");
        Debug.Assert((address & (_region.Granule - 1)) == 0 && _region.Contains(address, size), "the range is granule-aligned and in the region");
        ulong start = address >> _granuleShift;
        ulong granules = size >> _granuleShift;
        if (granules > _lists.Granules)
            return false;
        ulong end = start + granules;
        int slot = FindBlockContaining(start, end);
        if (slot == FreeLists.None)
            return false;
        bool vanishes = _lists[slot].Start == start && _lists[slot].End == end;
        bool splits = _lists[slot].Start != start && _lists[slot].End != end;
        if (vanishes && _byStart.IsCurrent)
            _byStart.Remove(slot); // under its start, before its slot is returned
        Carve(slot, start, granules);
        if (splits && _byStart.IsCurrent)
            _byStart.Insert(_boundaries.Find(end)); // the tail is a new block; the gap before the range keeps its start
        _byStart.CheckPeriodically(FullCheckInterval);
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
        // Otherwise the range lies strictly inside a block, if any: the last block starting before it, if it reaches
        // past it.
        if (_byStart.ShouldBuild())
        {
            if (!_byStart.IsCurrent)
                _byStart.Build();
            slot = _byStart.Floor(start);
            return slot != FreeLists.None && _lists[slot].End > end ? slot : FreeLists.None;
        }
        // A lone reserve after allocations or frees: walking the lists from the range's own size class up (a list
        // below it holds only smaller blocks) is cheaper than building the order.
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
