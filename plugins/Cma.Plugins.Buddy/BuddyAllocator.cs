using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.Buddy;

/*
 * Binary buddy allocator over one region.
 *
 * Algorithm. Free space is kept as blocks of 2^k granules, each naturally aligned in ABSOLUTE granule index
 * (address / granule), on one free list per order. An allocation takes a block of the smallest non-empty order
 * that covers both the rounded size and the alignment and splits it down, keeping the head and freeing the upper
 * halves; a free merges the block with its buddy (index ^ 2^k) while the buddy is free at the same order.
 * The region is seeded with the largest aligned blocks that tile it, so any start and size work; nothing ever
 * merges across the region's edge, because both halves of a merge are free blocks inside the region.
 *
 * Invariants. Every free block lies inside the region, is aligned to its size, has order <= MaxOrder, overlaps
 * no other free block and no live allocation; no two buddies of the same order (< MaxOrder) are both free;
 * FreeBlockSet.Granules is the region's granules minus what live allocations reserve.
 *
 * Complexity. TryAllocate and Free are O(MaxOrder) (split / merge steps, each an O(1) list and hash operation);
 * Stats is O(1). Only when the alignment exceeds every free block's order does TryAllocate walk the free lists
 * for a smaller block that happens to be aligned (O(free blocks)). Memory is proportional to the free blocks.
 *
 * TrimTail. The allocation keeps only the granules asked for; the tail of its block goes back to the free lists
 * as aligned blocks. Free climbs from the allocation's last piece, absorbing its own pieces and merging the tail's
 * free pieces, and releases the whole block when all of it is back (the host passes the exact size, so no
 * per-chunk record is needed).
 *
 * Concurrency. Not thread-safe: the host serialises calls to one instance under the region's lock.
 */

/// <summary>A binary buddy allocator for one region (see the comment at the top of the file).</summary>
internal sealed partial class BuddyAllocator : ICmaAllocator, ICmaExactPlacement
{
#if DEBUG
    /// <summary>Operations between two full invariant checks in Debug builds.</summary>
    private const int FullCheckInterval = 1024;

    /// <summary>Operations since the last full invariant check; below <see cref="FullCheckInterval"/>.</summary>
    private int _operationsSinceFullCheck;
#endif

    /// <summary>The region managed; constant.</summary>
    private readonly CmaRegion _region;

    /// <summary>log2(granule): shifts between addresses and granule indexes.</summary>
    private readonly int _granuleShift;

    /// <summary>Index of the region's first granule (Start / granule).</summary>
    private readonly ulong _firstIndex;

    /// <summary>One past the region's last granule index (End / granule); greater than <see cref="_firstIndex"/>.</summary>
    private readonly ulong _endIndex;

    /// <summary>The largest block order, 0..63; no free block is larger and no request above 2^MaxOrder granules succeeds.</summary>
    private readonly int _maxOrder;

    /// <summary>Whether allocations keep only the granules asked for and return the rest of their block.</summary>
    private readonly bool _trimTail;

    /// <summary>The free blocks.</summary>
    private readonly FreeBlockSet _free;

    /// <summary>Creates the allocator with the whole region free. The caller has checked that the seed tiling
    /// has <paramref name="seedBlocks"/> blocks, few enough to hold.</summary>
    public BuddyAllocator(CmaRegion region, int maxOrder, bool trimTail, int seedBlocks)
    {
        Debug.Assert(maxOrder is >= 0 and <= BuddyMath.HighestOrder);
        _region = region;
        _granuleShift = BitOperations.Log2(region.Granule);
        _firstIndex = region.Start >> _granuleShift;
        _endIndex = region.End >> _granuleShift;
        _maxOrder = maxOrder;
        _trimTail = trimTail;
        _free = new FreeBlockSet(Math.Max(32, seedBlocks + 32));
        for (ulong p = _firstIndex; p < _endIndex;)
        {
            int order = BuddyMath.TileOrder(p, _endIndex, maxOrder);
            _free.Add(p, order);
            p += BuddyMath.Granules(order);
        }
        Traits = new CmaAllocatorTraits(
            trimTail ? CmaRounding.Multiple : CmaRounding.PowerOfTwo,
            region.Granule,
            maxRegionSize: ulong.MaxValue,
            freeAllLeavesOneBlock: seedBlocks == 1);
        CheckAll();
    }

    /// <inheritdoc/>
    public CmaAllocatorStats Stats
    {
        get
        {
            int largest = _free.LargestOrder;
            ulong largestBytes = largest < 0 ? 0 : BuddyMath.Granules(largest) << _granuleShift;
            return new CmaAllocatorStats(_free.Granules << _granuleShift, largestBytes, _free.Count);
        }
    }

    /// <inheritdoc/>
    public CmaAllocatorTraits Traits { get; }

    /// <inheritdoc/>
    public bool TryAllocate(ulong size, ulong alignment, out ulong address)
    {
        Debug.Assert(size > 0 && (size & (_region.Granule - 1)) == 0, "size is a positive multiple of the granule");
        Debug.Assert(BitOperations.IsPow2(alignment) && alignment >= _region.Granule, "alignment is a power of two >= granule");
        address = 0;
        ulong granules = size >> _granuleShift;
        int order = BuddyMath.OrderFor(granules);
        if (order > _maxOrder)
            return false;
        int alignOrder = BitOperations.Log2(alignment) - _granuleShift;
        int wanted = Math.Max(order, alignOrder);
        if (!_free.TryTakeSmallest(wanted, out ulong index, out int blockOrder))
        {
            // Separate locals: passing index and blockOrder by reference here would keep them in memory on the hot path.
            if (alignOrder <= order || !_free.TryTakeAligned(order, alignOrder, out ulong alignedIndex, out int alignedOrder))
                return false;
            index = alignedIndex;
            blockOrder = alignedOrder;
        }

        // Split down to the rounded order, keeping the aligned head: 16 granules at order 4 for a 3-granule
        // request frees 24..32 (order 3), 20..24 (order 2) and keeps 16..20 (order 2).
        for (int o = blockOrder - 1; o >= order; o--)
        {
            _free.Add(index + BuddyMath.Granules(o), o);
            CheckFreeBlock(index + BuddyMath.Granules(o), o);
        }
        if (_trimTail)
            AddTail(index + granules, index + BuddyMath.Granules(order));
        address = index << _granuleShift;
        CheckAfterAllocate(index, granules, order);
        return true;
    }

    /// <inheritdoc/>
    public void Free(ulong address, ulong size)
    {
        Debug.Assert(size > 0 && (size & (_region.Granule - 1)) == 0, "size is a positive multiple of the granule");
        Debug.Assert(_region.Contains(address, size), "the chunk lies in the region");
        ulong index = address >> _granuleShift;
        ulong granules = size >> _granuleShift;
        int order = BuddyMath.OrderFor(granules);
        Debug.Assert((index & (BuddyMath.Granules(order) - 1)) == 0, "a live chunk starts on its block's boundary");
        if (!_trimTail || granules == BuddyMath.Granules(order))
        {
            Release(index, order);
            return;
        }
        ReleaseTrimmed(index, granules, order);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>Frees the block at <paramref name="index"/> of <paramref name="order"/>, merging it with its buddy
    /// while the buddy is free at the same order and the merged block stays within MaxOrder.</summary>
    private void Release(ulong index, int order)
    {
        while (order < _maxOrder && _free.TryTake(BuddyMath.BuddyOf(index, order), order))
        {
            index = BuddyMath.BlockContaining(index, order + 1);
            order++;
        }
        _free.Add(index, order);
        CheckFreeBlock(index, order);
        CheckPeriodically();
    }

    /// <summary>Frees a trimmed allocation <c>[index, index + granules)</c> of the block of <paramref name="order"/> at
    /// <paramref name="index"/>. It climbs from the allocation's last piece: a buddy below is the allocation's own
    /// next piece (absorbed, no lookup); a buddy above is a piece of the tail, merged if it is still free. If the
    /// whole block comes back it is released (merging on up); otherwise the climb stops and the pieces below are
    /// added as they are. E.g. 5 granules at 16 (tail 21..24): 20 absorbs 21 (taken), then 22..24 (taken), then
    /// absorbs 16..20: the block 16..24 is released.</summary>
    private void ReleaseTrimmed(ulong index, ulong granules, int order)
    {
        int o = BitOperations.TrailingZeroCount(granules);
        ulong piece = index + granules - BuddyMath.Granules(o);
        for (; o < order; o++)
        {
            ulong buddy = BuddyMath.BuddyOf(piece, o);
            if (buddy < piece)
                piece = buddy;
            else if (!_free.TryTake(buddy, o))
                break;
        }
        if (o == order)
        {
            Release(index, order);
            return;
        }

        // Stuck at order o: the buddy above is (partly) live, so neither this piece nor any piece below can merge.
        _free.Add(piece, o);
        CheckFreeBlock(piece, o);
        for (ulong p = index; p < piece;)
        {
            int pieceOrder = BuddyMath.TileOrder(p, piece, _maxOrder);
            _free.Add(p, pieceOrder);
            CheckFreeBlock(p, pieceOrder);
            p += BuddyMath.Granules(pieceOrder);
        }
        CheckPeriodically();
    }

    /// <summary>Returns the unused tail <c>[start, end)</c> of a trimmed allocation as aligned free blocks; none can
    /// merge, since each one's buddy lies below it, in the allocation. E.g. 3 granules at 16: the tail is 19..20.</summary>
    private void AddTail(ulong start, ulong end)
    {
        for (ulong p = start; p < end;)
        {
            int order = BuddyMath.TileOrder(p, end, _maxOrder);
            _free.Add(p, order);
            CheckFreeBlock(p, order);
            p += BuddyMath.Granules(order);
        }
    }

    /// <summary>Debug: the allocation <c>[index, index + granules)</c> is in the region, aligned to its block, and not free.</summary>
    [Conditional("DEBUG")]
    private void CheckAfterAllocate(ulong index, ulong granules, int order)
    {
        if (index < _firstIndex || index > _endIndex - granules || (index & (BuddyMath.Granules(order) - 1)) != 0)
            throw FreeBlockSet.Corrupt($"allocated block 0x{index:X} (order {order}) is outside region {_region} or misaligned");
        for (int o = 0; o <= _maxOrder; o++)
        {
            if (_free.OrderAt(BuddyMath.BlockContaining(index, o)) >= o)
                throw FreeBlockSet.Corrupt($"allocated block 0x{index:X} lies inside a free block of order {o}");
        }
        CheckPeriodically();
    }

    /// <summary>Debug: one free block obeys the invariants: inside the region, aligned, order ≤ MaxOrder, its buddy
    /// not free at the same order, and not inside a larger free block. O(MaxOrder) lookups.</summary>
    [Conditional("DEBUG")]
    private void CheckFreeBlock(ulong index, int order)
    {
        ulong granules = BuddyMath.Granules(order);
        if (order > _maxOrder || (index & (granules - 1)) != 0 || index < _firstIndex || index > _endIndex - granules)
            throw FreeBlockSet.Corrupt($"free block 0x{index:X} of order {order} is outside region {_region}, misaligned or above MaxOrder {_maxOrder}");
        if (order < _maxOrder && _free.OrderAt(BuddyMath.BuddyOf(index, order)) == order)
            throw FreeBlockSet.Corrupt($"free block 0x{index:X} and its buddy are both free at order {order}");
        for (int o = order + 1; o <= _maxOrder; o++)
        {
            if (_free.OrderAt(BuddyMath.BlockContaining(index, o)) >= o)
                throw FreeBlockSet.Corrupt($"free block 0x{index:X} of order {order} overlaps a free block of order {o} (double free?)");
        }
    }

    /// <summary>Debug: a full check every <see cref="FullCheckInterval"/> operations.</summary>
    [Conditional("DEBUG")]
    private void CheckPeriodically()
    {
#if DEBUG
        if (++_operationsSinceFullCheck < FullCheckInterval)
            return;
        _operationsSinceFullCheck = 0;
        CheckAll();
#endif
    }

    /// <summary>Debug: every free block obeys the invariants and the bookkeeping adds up. O(blocks × MaxOrder).</summary>
    [Conditional("DEBUG")]
    private void CheckAll()
    {
        _free.CheckStructure();
        var visitor = new FreeBlockChecker(this);
        _free.ForEach(ref visitor);
    }

    /// <summary>Runs <see cref="CheckFreeBlock"/> on each free block.</summary>
    private readonly struct FreeBlockChecker(BuddyAllocator allocator) : IFreeBlockVisitor
    {
        /// <inheritdoc/>
        public void Visit(ulong index, int order) => allocator.CheckFreeBlock(index, order);
    }
}
