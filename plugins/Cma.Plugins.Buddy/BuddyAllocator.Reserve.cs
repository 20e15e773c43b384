using System.Diagnostics;

namespace Cma.Plugins.Buddy;

/// <summary>
/// Exact placement (contract 1.1). A range is accepted only where an allocation of its size could have been placed:
/// it must start on a boundary of its own block (2^k granules, k = ceil(log2(size / granule)), k ≤ MaxOrder, in
/// absolute address), and what that allocation takes must be free: the whole block by default (a power-of-two
/// allocator reserves its rounded block, so the range's tail up to the block's end must be free too, and inside the
/// region), only the range itself with TrimTail. The free blocks that hold it are split down around it, exactly as a
/// split on allocate does, so the free space afterwards is what buddy would have produced and Free(address, size)
/// works as for any allocation. Anything else is refused and nothing changes.
/// </summary>
internal sealed partial class BuddyAllocator
{
    /// <inheritdoc/>
    /// <remarks>O(MaxOrder) look-ups per free block that holds a part of the range (one, or O(MaxOrder) with TrimTail),
    /// twice: once to check, once to take.</remarks>
    public bool TryReserve(ulong address, ulong size)
    {
        Debug.Assert(size > 0 && (size & (_region.Granule - 1)) == 0, "size is a positive multiple of the granule");
        Debug.Assert((address & (_region.Granule - 1)) == 0 && _region.Contains(address, size), "the range is granule-aligned and in the region");
        ulong index = address >> _granuleShift;
        ulong granules = size >> _granuleShift;
        int order = BuddyMath.OrderFor(granules);
        if (order > _maxOrder || (index & (BuddyMath.Granules(order) - 1)) != 0)
            return false; // no allocation of this size could start here: unrepresentable
        // What an allocation of this size at index takes: with TrimTail its granules, otherwise its whole block
        // (which may run past the region's end: then it is not free, and refused below).
        ulong taken = _trimTail ? granules : BuddyMath.Granules(order);
        if (taken > _endIndex - index)
            return false;
        ulong end = index + taken;
        for (ulong p = index; p < end;)
        {
            if (!TryFindFreeBlock(p, out ulong block, out int blockOrder))
                return false; // granule p is allocated: refuse, nothing changed yet
            p = block + BuddyMath.Granules(blockOrder);
        }
        for (ulong p = index; p < end;)
        {
            TryFindFreeBlock(p, out ulong block, out int blockOrder);
            _free.TryTake(block, blockOrder);
            ulong blockEnd = block + BuddyMath.Granules(blockOrder);
            // Give back what lies outside the range, as the aligned blocks a split leaves: the head [block, p) is
            // only ever non-empty for the first block, the tail [end, blockEnd) for the last.
            if (block < p)
                AddTail(block, p);
            if (blockEnd > end)
                AddTail(end, blockEnd);
            p = blockEnd;
        }
        CheckAfterAllocate(index, granules, order);
        return true;
    }

    /// <summary>The free block that contains granule <paramref name="index"/>: the block of some order o ≤ MaxOrder
    /// that contains it and is free at order o or above. O(MaxOrder) look-ups.</summary>
    /// <returns>False when the granule is not free.</returns>
    private bool TryFindFreeBlock(ulong index, out ulong block, out int order)
    {
        for (int o = 0; o <= _maxOrder; o++)
        {
            block = BuddyMath.BlockContaining(index, o);
            order = _free.OrderAt(block);
            if (order >= o)
                return true;
        }
        block = 0;
        order = -1;
        return false;
    }
}
