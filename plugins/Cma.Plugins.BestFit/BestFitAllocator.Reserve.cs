using System.Diagnostics;

namespace Cma.Plugins.BestFit;

/// <summary>Exact placement (contract 1.1): a range is reserved by carving it out of the one hole that contains it.</summary>
internal sealed partial class BestFitAllocator
{
    /// <inheritdoc/>
    /// <remarks>Best fit keeps every free granule in some hole, so a range is free exactly when one hole contains all
    /// of it (holes never touch: two holes would leave an allocated granule between them). The range is carved out
    /// like an allocation at that offset: the hole shrinks, vanishes, or splits in two. Cost: O(1) expected to find a
    /// hole that starts at <paramref name="address"/> or ends at the range's end (the usual case when a live set is
    /// rebuilt in address order), otherwise one pass over the holes, O(n); then the same O(log n) updates as an
    /// allocation.</remarks>
    public bool TryReserve(ulong address, ulong size)
    {
        Debug.Assert(size > 0 && size % _region.Granule == 0, "size is a positive multiple of the granule");
        Debug.Assert(address % _region.Granule == 0 && _region.Contains(address, size), "the range is granule-aligned and in the region");
        if (size > _freeBytes)
            return false;
        int hole = FindHoleContaining(address, size);
        if (hole == HoleArena.Nil)
            return false;
        Carve(hole, address - _arena.Items[hole].Start, size);
        _freeBytes -= size;
        _audit.AfterAllocate(address, size, _freeBytes);
        return true;
    }

    /// <summary>The hole that contains all of <c>[address, address + size)</c>, or <see cref="HoleArena.Nil"/>.</summary>
    private int FindHoleContaining(ulong address, ulong size)
    {
        ulong end = address + size;
        // Fast paths: the hole that starts at the range's start, or ends at its end, through the edge indexes.
        int hole = _byStart.Find(address);
        if (hole != HoleArena.Nil)
            return _arena.Items[hole].End >= end ? hole : HoleArena.Nil;
        hole = _byEnd.Find(end);
        if (hole != HoleArena.Nil)
            return _arena.Items[hole].Start <= address ? hole : HoleArena.Nil;
        // Otherwise the range would be strictly inside a hole: look at every slot (free slots have size 0).
        Hole[] items = _arena.Items;
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i].Size != 0 && items[i].Start < address && items[i].End > end)
                return i;
        }
        return HoleArena.Nil;
    }
}
