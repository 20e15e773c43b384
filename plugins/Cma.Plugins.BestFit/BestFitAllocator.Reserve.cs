using System.Diagnostics;

namespace Cma.Plugins.BestFit;

/// <summary>Exact placement (contract 1.1): a range is reserved by carving it out of the one hole that contains it.</summary>
internal sealed partial class BestFitAllocator
{
    /// <inheritdoc/>
    /// <remarks>Best fit keeps every free granule in some hole, so a range is free exactly when one hole contains all
    /// of it (holes never touch: two holes would leave an allocated granule between them). The range is carved out
    /// like an allocation at that offset: the hole shrinks, vanishes, or splits in two. Finding the hole: O(1) expected
    /// when it starts at <paramref name="address"/> or ends at the range's end (the edge indexes: the usual case when a
    /// packed live set is rebuilt in address order); otherwise the range lies strictly inside a hole, found as the hole
    /// with the greatest start at or below <paramref name="address"/> in <see cref="_byAddress"/>, O(log n) expected
    /// within a run of reserves (see <see cref="StartOrderTreap"/> for the one scan and one build a run starts with).
    /// Then the same O(log n) updates as an allocation, plus O(log n) in the start order when a hole splits or vanishes.</remarks>
    public bool TryReserve(ulong address, ulong size)
    {
        Debug.Assert(size > 0 && size % _region.Granule == 0, "size is a positive multiple of the granule");
        Debug.Assert(address % _region.Granule == 0 && _region.Contains(address, size), "the range is granule-aligned and in the region");
        if (size > _freeBytes)
            return false;
        int hole = FindHoleContaining(address, size);
        if (hole == HoleArena.Nil)
            return false;
        ulong offset = address - _arena.Items[hole].Start;
        bool vanishes = offset == 0 && _arena.Items[hole].Size == size;
        bool splits = offset != 0 && _arena.Items[hole].End != address + size;
        if (vanishes && _byAddress.IsCurrent)
            _byAddress.Remove(hole); // under its start, before its slot is returned
        Carve(hole, offset, size);
        if (splits && _byAddress.IsCurrent)
            _byAddress.Insert(_byStart.Find(address + size)); // the tail is a new hole; the head keeps its start
        _freeBytes -= size;
        _audit.AfterAllocate(address, size, _freeBytes);
        _byAddress.CheckPeriodically(BestFitAudit.FullAuditInterval);
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
        // Otherwise the range would be strictly inside a hole: the last hole starting before it, if it reaches past it.
        if (_byAddress.ShouldBuild())
        {
            if (!_byAddress.IsCurrent)
                _byAddress.Build();
            hole = _byAddress.Floor(address);
            return hole != HoleArena.Nil && _arena.Items[hole].End > end ? hole : HoleArena.Nil;
        }
        // A lone reserve after allocations or frees: one pass over every slot (free slots have size 0) is cheaper
        // than building the order.
        Hole[] items = _arena.Items;
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i].Size != 0 && items[i].Start < address && items[i].End > end)
                return i;
        }
        return HoleArena.Nil;
    }
}
