/*
 * Best fit, after the RFC's mm/cma-best-fit.c. The free space of a region is a set of holes; a request takes
 * the smallest hole that can hold it at an aligned address (ties: the lowest start), found by walking the holes
 * in ascending (size, start) order from the first one at least as large as the request. The chunk goes at the
 * hole's aligned head (or at its end when that avoids a split, the RFC's rule), so a hole splits into at most
 * two; a free merges the chunk with the hole ending at its start and the hole starting at its end.
 *
 * Invariants: holes are non-empty, granule-aligned, inside the region, and neither overlap nor touch (a free
 * always coalesces); every hole is in all three indexes (size classes, by start, by end); FreeBytes is the sum
 * of hole sizes. Each mutation re-checks the holes it touched (Debug), and every 1024th operation audits the
 * whole structure; a broken invariant throws InvalidOperationException.
 *
 * Complexity, with n holes: Free is O(log n) expected (two hash look-ups, treap updates in one size class).
 * TryAllocate is O(log n) expected when the alignment is the granule; with a larger alignment it also steps past
 * each hole that is large enough but has no aligned window for the request, as the RFC does. Stats is O(log n). Memory is O(n) and
 * independent of the region size: 32 bytes per hole slot plus two hash tables of 4-byte slots.
 *
 * Concurrency: not thread-safe; the host serialises the calls on one allocator.
 */
using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.BestFit;

/// <summary>The RFC's best-fit allocator for one region; see the comment at the top of the file.</summary>
internal sealed class BestFitAllocator : ICmaAllocator
{
    /// <summary>The region whose free space this allocator manages.</summary>
    private readonly CmaRegion _region;

    /// <summary>Storage of every hole.</summary>
    private readonly HoleArena _arena;

    /// <summary>The holes in (size, start) order, by size class.</summary>
    private readonly HoleSizeIndex _bySize;

    /// <summary>The hole that starts at an address.</summary>
    private readonly HoleAddressIndex _byStart;

    /// <summary>The hole that ends at an address.</summary>
    private readonly HoleAddressIndex _byEnd;

    /// <summary>Sum of the hole sizes: the region size minus the sizes of the live chunks.</summary>
    private ulong _freeBytes;

    /// <summary>The Debug invariant checks over the structures above.</summary>
    private readonly BestFitAudit _audit;

    /// <summary>Creates an allocator whose region is one hole.</summary>
    /// <param name="region">The region; any size (memory use does not depend on it).</param>
    public BestFitAllocator(CmaRegion region)
    {
        _region = region;
        _arena = new HoleArena(capacity: 64);
        _bySize = new HoleSizeIndex(_arena, BitOperations.TrailingZeroCount(region.Granule));
        _byStart = new HoleAddressIndex(_arena, byEnd: false);
        _byEnd = new HoleAddressIndex(_arena, byEnd: true);
        AddHole(region.Start, region.Size);
        _freeBytes = region.Size;
        _audit = new BestFitAudit(region, _arena, _bySize, _byStart, _byEnd);
        Traits = CmaAllocatorTraits.Exact(region.Granule);
    }

    /// <inheritdoc/>
    public CmaAllocatorTraits Traits { get; }

    /// <inheritdoc/>
    public CmaAllocatorStats Stats => new(_freeBytes, _bySize.LargestSize(), (ulong)_arena.Count);

    /// <summary>Bytes of managed memory the allocator's structures hold now.</summary>
    internal long FootprintBytes =>
        _arena.FootprintBytes + _byStart.FootprintBytes + _byEnd.FootprintBytes + HoleSizeIndex.FootprintBytes;

    /// <inheritdoc/>
    public bool TryAllocate(ulong size, ulong alignment, out ulong address)
    {
        Debug.Assert(size > 0 && size % _region.Granule == 0, "size is a positive multiple of the granule");
        Debug.Assert(BitOperations.IsPow2(alignment) && alignment >= _region.Granule, "alignment is a power of two ≥ granule");
        address = 0;
        if (size > _freeBytes)
            return false;
        int hole = _bySize.FindBestFit(size, alignment, out ulong padding);
        if (hole == HoleArena.Nil)
            return false;

        ref Hole found = ref _arena.Items[hole];
        ulong start = found.Start;
        ulong holeSize = found.Size;
        ulong offset = BestFitUnits.PlacementOffset(holeSize, padding, size, alignment);
        ulong tail = holeSize - offset - size;
        address = start + offset;
        _bySize.Remove(hole);
        if (offset == 0)
        {
            _byStart.Remove(hole);
            if (tail == 0)
            {
                _byEnd.Remove(hole);
                _arena.Return(hole);
            }
            else
            {
                found.Start = address + size;
                found.Size = tail;
                _byStart.Add(hole);
                _bySize.Insert(hole);
            }
        }
        else
        {
            _byEnd.Remove(hole);
            found.Size = offset;
            _byEnd.Add(hole);
            _bySize.Insert(hole);
            if (tail != 0)
                AddHole(address + size, tail); // may grow the arena: `found` is not used after this
        }
        _freeBytes -= size;
        _audit.AfterAllocate(address, size, _freeBytes);
        return true;
    }

    /// <inheritdoc/>
    public void Free(ulong address, ulong size)
    {
        Debug.Assert(size > 0 && _region.Contains(address, size), "the chunk lies in the region");
        ulong end = address + size;
        int before = _byEnd.Find(address);
        int after = _byStart.Find(end);
        int freed;
        if (before != HoleArena.Nil)
        {
            // Grow the hole before the chunk over it, and over the hole after it if there is one.
            ulong extra = size;
            if (after != HoleArena.Nil)
            {
                extra += _arena.Items[after].Size;
                RemoveHole(after);
            }
            _bySize.Remove(before);
            _byEnd.Remove(before);
            _arena.Items[before].Size += extra;
            _byEnd.Add(before);
            _bySize.Insert(before);
            freed = before;
        }
        else if (after != HoleArena.Nil)
        {
            // Grow the hole after the chunk down over it.
            _bySize.Remove(after);
            _byStart.Remove(after);
            _arena.Items[after].Start = address;
            _arena.Items[after].Size += size;
            _byStart.Add(after);
            _bySize.Insert(after);
            freed = after;
        }
        else
        {
            freed = AddHole(address, size);
        }
        _freeBytes += size;
        _audit.AfterFree(freed, address, size, _freeBytes);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>Creates a hole and puts it in every index.</summary>
    private int AddHole(ulong start, ulong size)
    {
        int hole = _arena.Rent(start, size);
        _byStart.Add(hole);
        _byEnd.Add(hole);
        _bySize.Insert(hole);
        return hole;
    }

    /// <summary>Takes a hole out of every index and frees its slot.</summary>
    private void RemoveHole(int hole)
    {
        _bySize.Remove(hole);
        _byStart.Remove(hole);
        _byEnd.Remove(hole);
        _arena.Return(hole);
    }
}
