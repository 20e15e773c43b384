using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.Tlsf;

/*
 * Two-level segregated fit (TLSF, Masmano, Ripoll, Crespo and Real, 2004) over one region, metadata out of band.
 *
 * Algorithm. Free blocks sit on one list per size class — first level floor(log2 size), second level the next
 * SecondLevelBits bits of the size — with a two-level bitmap of the non-empty lists. A request of n granules takes the
 * head of its own class's list if that block is large enough, else the head of the first non-empty list whose every
 * block holds n (two bit scans); aligned to a > 1 granules, the first of those heads that holds it aligned, else the
 * head of the first list whose blocks hold n + a − 1. The chunk is cut out at the block's first aligned address and
 * exactly n granules are reserved, the gap before it and the tail after it staying free blocks; a free merges the
 * chunk with the free block ending at its start and the one starting at its end, found in a hash index of boundaries.
 *
 * Exactness. A request fails only when no free block holds it: when the O(1) searches find nothing, the lists
 * between the request's own class and the one searched are walked for a block that holds it (for a granule-aligned
 * request, the request's own class only). Stats.LargestFreeBlock is exact: the highest non-empty list's largest
 * block, kept up to date unless that block is taken or shrinks (then that one list is scanned, once, when asked).
 *
 * Invariants. Free blocks are non-empty, lie inside the region, and neither overlap nor touch (every free merges);
 * each is in the list of its size class and in the boundary index under its start and its end, whose entries its
 * record locates (and nothing else is there); the bitmaps mark exactly the non-empty lists; the free granules and
 * block count are the sums over the lists. The blocks a mutation touched are checked after it in Debug builds, and
 * every 1,024 operations the whole state; a broken invariant, or a free of a chunk that starts or ends where a free
 * block does (a double free), throws InvalidOperationException.
 *
 * Complexity. TryAllocate and Free are O(1): bit scans, list links and expected-O(1) hash operations (a free does two
 * look-ups; removals need none, the records know their entries); only a request that the O(1) searches cannot place
 * walks lists (O(free blocks in them)). Stats is O(1), except for the one-list scan above. Memory: 32 bytes per free
 * block (pooled records), two 8-byte hash entries per free block in a table at most 1/8 full up to 64K entries (1/4
 * beyond), and 4 bytes per list head (1,920 lists, 7.5 KiB, at the default 5 bits); nothing grows with the region,
 * and there are at most live chunks + 1 free blocks. TryReserve (TlsfAllocator.Reserve.cs) also keeps, once a run of
 * reserves needs it, the free blocks in start order (StartOrderTreap, shared with best-fit: 8 bytes per block slot), which allocations and
 * frees only mark stale.
 *
 * Concurrency. Not thread-safe: the host serialises calls to one instance under the region's lock.
 */

/// <summary>A TLSF allocator for one region (see the comment at the top of the file).</summary>
internal sealed partial class TlsfAllocator : ICmaAllocator, ICmaExactPlacement
{
    /// <summary>The region managed; constant.</summary>
    private readonly CmaRegion _region;

    /// <summary>log2(granule): shifts between addresses and granule indexes.</summary>
    private readonly int _granuleShift;

    /// <summary>Second-level bits (1..6).</summary>
    private readonly int _bits;

    /// <summary>The free blocks by size class; holds their records.</summary>
    private readonly FreeLists _lists;

    /// <summary>The free blocks by boundary: start → block and end → block.</summary>
    private readonly BoundaryMap _boundaries;

    /// <summary>The free blocks in start order, for reserves strictly inside a block; allocations and frees only mark it
    /// stale.</summary>
    private readonly StartOrderTreap _byStart;

    /// <summary>Creates the allocator with the whole region one free block.</summary>
    public TlsfAllocator(CmaRegion region, int secondLevelBits)
    {
        _region = region;
        _granuleShift = BitOperations.Log2(region.Granule);
        _bits = secondLevelBits;
        _lists = new FreeLists(secondLevelBits, capacity: 64);
        _boundaries = new BoundaryMap(_lists, capacity: 128);
        _byStart = new StartOrderTreap(_lists);
        int slot = _lists.Rent(region.Start >> _granuleShift, region.End >> _granuleShift);
        _boundaries.Add(slot, isEnd: false);
        _boundaries.Add(slot, isEnd: true);
        _lists.Link(slot);
        Traits = CmaAllocatorTraits.Exact(region.Granule);
        CheckAll();
    }

    /// <inheritdoc/>
    public CmaAllocatorStats Stats =>
        new(_lists.Granules << _granuleShift, _lists.LargestGranules() << _granuleShift, _lists.Count);

    /// <inheritdoc/>
    public CmaAllocatorTraits Traits { get; }

    /// <inheritdoc/>
    public bool TryAllocate(ulong size, ulong alignment, out ulong address)
    {
        Debug.Assert(size > 0 && (size & (_region.Granule - 1)) == 0, "size is a positive multiple of the granule");
        Debug.Assert(BitOperations.IsPow2(alignment) && alignment >= _region.Granule, "alignment is a power of two >= granule");
        address = 0;
        ulong granules = size >> _granuleShift;
        ulong align = alignment >> _granuleShift;
        if (granules > _lists.Granules)
            return false;
        int slot;
        ulong at;
        if (align == 1)
        {
            slot = FindFit(granules);
            if (slot == FreeLists.None)
                return false;
            at = _lists[slot].Start;
        }
        else
        {
            slot = FindAlignedFit(granules, align, out at);
            if (slot == FreeLists.None)
                return false;
        }
        Carve(slot, at, granules);
        _byStart.Invalidate();
        address = at << _granuleShift;
        CheckPeriodically();
        return true;
    }

    /// <inheritdoc/>
    public void Free(ulong address, ulong size)
    {
        Debug.Assert(size > 0 && (size & (_region.Granule - 1)) == 0, "size is a positive multiple of the granule");
        Debug.Assert(_region.Contains(address, size), "the chunk lies in the region");
        ulong start = address >> _granuleShift;
        ulong end = start + (size >> _granuleShift);
        int before = _boundaries.Find(start, out int startVacancy);
        int after = _boundaries.Find(end, out int endVacancy);
        if ((before != FreeLists.None && _lists[before].End != start) || (after != FreeLists.None && _lists[after].Start != end))
            throw Corrupt($"the chunk [0x{address:X}, +0x{size:X}) being freed starts or ends where a free block does (double free?)");
        int merged = before;
        if (before == FreeLists.None && after == FreeLists.None)
        {
            merged = _lists.Rent(start, end);
            _boundaries.AddBoth(merged, startVacancy, endVacancy);
            _lists.Link(merged);
        }
        else if (before == FreeLists.None)
        {
            merged = after;
            _boundaries.Remove(after, isEnd: false);
            _lists.Reshape(after, start, _lists[after].End);
            _boundaries.Add(after, isEnd: false);
        }
        else if (after == FreeLists.None)
        {
            _boundaries.Remove(before, isEnd: true);
            _lists.Reshape(before, _lists[before].Start, end);
            _boundaries.Add(before, isEnd: true);
        }
        else
        {
            _boundaries.Remove(before, isEnd: true);
            _boundaries.Remove(after, isEnd: false);
            _lists.Unlink(after);
            _lists.Reshape(before, _lists[before].Start, _lists[after].End);
            _boundaries.MoveEnd(after, before);
            _lists.Return(after);
        }
        _byStart.Invalidate();
        CheckBlock(merged);
        CheckPeriodically();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>The exception for corrupt state.</summary>
    internal static InvalidOperationException Corrupt(string what) => new($"TLSF allocator corrupted: {what}.");

    /// <summary>Reserves <c>[at, at + granules)</c> out of the free block in <paramref name="slot"/>: the block keeps
    /// the gap before the chunk (or, without one, the tail after it); a tail beside a gap becomes a new block that takes
    /// over the old block's end. E.g. block [16, 40), chunk [20, 23): the block becomes [16, 20), [23, 40) a new block.</summary>
    private void Carve(int slot, ulong at, ulong granules)
    {
        ulong start = _lists[slot].Start;
        ulong end = _lists[slot].End;
        ulong chunkEnd = at + granules;
        if (at == start)
        {
            _boundaries.Remove(slot, isEnd: false);
            if (chunkEnd == end)
            {
                _boundaries.Remove(slot, isEnd: true);
                _lists.Unlink(slot);
                _lists.Return(slot);
                CheckAfterAllocate(at, chunkEnd, FreeLists.None, FreeLists.None);
                return;
            }
            _lists.Reshape(slot, chunkEnd, end);
            _boundaries.Add(slot, isEnd: false);
            CheckAfterAllocate(at, chunkEnd, FreeLists.None, slot);
            return;
        }
        int tail = FreeLists.None;
        if (chunkEnd == end)
        {
            _boundaries.Remove(slot, isEnd: true);
        }
        else
        {
            tail = _lists.Rent(chunkEnd, end);
            _boundaries.MoveEnd(slot, tail);
            _boundaries.Add(tail, isEnd: false);
            _lists.Link(tail);
        }
        _lists.Reshape(slot, start, at);
        _boundaries.Add(slot, isEnd: true);
        CheckAfterAllocate(at, chunkEnd, slot, tail);
    }
}
