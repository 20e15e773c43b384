/*
 * Best fit, after the RFC's mm/cma-best-fit.c. The free space of a region is a set of holes; a request takes
 * a smallest hole that can hold it at an aligned address (ties between holes of that size: the one inserted last
 * in an exact class, the lowest start in a wide class). The chunk goes at the hole's aligned head, or at its end
 * when that end is aligned for it and either the head would split the hole (the RFC's rule) or the chunk is large
 * (1 KiB or more), so a hole splits into at most two; a free merges the chunk with the hole ending at its start and
 * the hole starting at its end.
 *
 * The holes are indexed by size (HoleSizeIndex: size classes, exact — one size each — below 4096 granules, then
 * 64 per power of two; an exact class is a LIFO list (HoleList), a wide class a treap (Treap); a SizeClassBitmap
 * finds the next non-empty class; AlignedCapacityBounds holds the bounds below) and by start and by end
 * (HoleAddressIndex: two views of one HoleEdgeTable, a hash table whose entries each hole knows the positions of);
 * TryReserve alone also keeps them in start order (StartOrderTreap, shared with tlsf: a treap built lazily, which
 * allocations and frees only mark stale). A granule-aligned request takes the head of the first non-empty exact
 * class at or above its size, or the first hole of at least its size in a wide class. A larger alignment walks the
 * classes upwards, skipping every class whose capacity bound for that alignment (the most a hole of the class can
 * hold at an aligned address) is below the request: small classes (below 64 granules) keep that bound exact (a
 * count per capacity), the others a lazy upper bound that a walk finding no fit lowers to the exact maximum. Only
 * in a class that may hold the request are its holes tried in order. Skipping never changes the answer.
 *
 * Invariants: holes are non-empty, granule-aligned, inside the region, and neither overlap nor touch (a free
 * always coalesces); every hole is in its size class and in the edge table under both edges, at the positions it
 * records; FreeBytes is the sum of hole sizes; every tracked alignment's small-class counts are exact and its other
 * bounds are at least the capacity of every hole of the class. Each mutation re-checks the holes it touched
 * (Debug), and every 1024th operation audits the whole structure, bounds included; a broken invariant throws
 * InvalidOperationException.
 *
 * Complexity, with n holes: Free is O(1) expected when the holes it touches are in exact classes (two hash
 * look-ups, list links), O(log n) expected in a wide class (a treap update), plus O(1) per tracked alignment for
 * the bounds. TryAllocate is the same when the alignment is the granule (plus bit scans); with a larger alignment
 * it also scans the non-empty classes between the request and the fit (bit scans and one bound each) and steps
 * past the holes, in the class it walks, that have no aligned window for the request (all holes of the class when
 * a stale lazy bound is being tightened). Stats is O(log n). Memory is O(n) and independent of the region size:
 * 32 bytes per hole slot, an edge table of 8-byte entries at most an eighth full (a quarter beyond 64K entries),
 * 32 KiB of class roots, some 80 KiB per alignment above the granule that has ever been requested, and, once a run
 * of reserves has needed the start order, 8 bytes per hole slot. TryReserve: see BestFitAllocator.Reserve.cs.
 *
 * Concurrency: not thread-safe; the host serialises the calls on one allocator.
 */
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Plugins.BestFit;

/// <summary>The RFC's best-fit allocator for one region; see the comment at the top of the file.</summary>
internal sealed partial class BestFitAllocator : ICmaAllocator, ICmaExactPlacement
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

    /// <summary>The holes in start order, for reserves strictly inside a hole; allocations and frees only mark it stale.</summary>
    private readonly StartOrderTreap _byAddress;

    /// <summary>Sum of the hole sizes: the region size minus the sizes of the live chunks.</summary>
    private ulong _freeBytes;

    /// <summary>The smallest large chunk: <see cref="BestFitUnits.LargeChunkBytes"/> when the granule is smaller (the
    /// region can hold small chunks to keep apart from large ones), else never (every chunk would be large: nothing to
    /// separate, and chunks go at the head as before).</summary>
    private readonly ulong _largeChunk;

    /// <summary>The Debug invariant checks over the structures above.</summary>
    private readonly BestFitAudit _audit;

    /// <summary>Creates an allocator whose region is one hole.</summary>
    /// <param name="region">The region; any size (memory use does not depend on it).</param>
    public BestFitAllocator(CmaRegion region)
    {
        _region = region;
        _arena = new HoleArena(capacity: 64);
        _bySize = new HoleSizeIndex(_arena, region);
        var edges = new HoleEdgeTable(_arena);
        _byStart = new HoleAddressIndex(_arena, edges, byEnd: false);
        _byEnd = new HoleAddressIndex(_arena, edges, byEnd: true);
        _byAddress = new StartOrderTreap(_arena);
        AddHole(region.Start, region.Size);
        _freeBytes = region.Size;
        _largeChunk = region.Granule < BestFitUnits.LargeChunkBytes ? BestFitUnits.LargeChunkBytes : ulong.MaxValue;
        _audit = new BestFitAudit(region, _arena, _bySize, _byStart, _byEnd);
        Traits = CmaAllocatorTraits.Exact(region.Granule);
    }

    /// <inheritdoc/>
    public CmaAllocatorTraits Traits { get; }

    /// <inheritdoc/>
    public CmaAllocatorStats Stats => new(_freeBytes, _bySize.LargestSize(), (ulong)_arena.Count);

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

        address = TakeFrom(hole, padding, size, alignment);
        _byAddress.Invalidate();
        _freeBytes -= size;
        _audit.AfterAllocate(address, size, _freeBytes);
        return true;
    }

    /// <inheritdoc/>
    public void Free(ulong address, ulong size)
    {
        Debug.Assert(size > 0 && _region.Contains(address, size), "the chunk lies in the region");
        ulong end = address + size;
        int before = _byEnd.Find(address, out int startVacancy);
        int after = _byStart.Find(end, out int endVacancy);
        int freed;
        if (before != HoleArena.Nil)
        {
            GrowOver(before, size, after);
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
            // A new hole: its edges go where the two look-ups stopped (no probe).
            freed = _arena.Rent(address, size);
            HoleAddressIndex.AddBoth(_byStart, _byEnd, freed, startVacancy, endVacancy);
            _bySize.Insert(freed);
        }
        _byAddress.Invalidate();
        _freeBytes += size;
        _audit.AfterFree(freed, address, size, _freeBytes);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>Takes the chunk out of <paramref name="hole"/> (the best fit, <paramref name="padding"/> bytes from its
    /// start to the first aligned address) at the placement rule's offset.</summary>
    /// <returns>The chunk's address.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong TakeFrom(int hole, ulong padding, ulong size, ulong alignment)
    {
        ref Hole found = ref _arena.Items[hole];
        ulong offset = BestFitUnits.PlacementOffset(found.End, found.Size, padding, size, alignment, size >= _largeChunk);
        return Carve(hole, offset, size);
    }

    /// <summary>Takes <paramref name="size"/> bytes at <paramref name="offset"/> out of <paramref name="hole"/> and
    /// re-indexes what is left of it: nothing, a head, a tail, or both (the hole splits in two). Shared by
    /// <see cref="TryAllocate"/> (the placement rule's offset) and <see cref="TryReserve"/> (the asked address).</summary>
    /// <returns>The chunk's address.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Carve(int hole, ulong offset, ulong size)
    {
        ref Hole found = ref _arena.Items[hole];
        ulong start = found.Start;
        ulong holeSize = found.Size;
        ulong tail = holeSize - offset - size;
        ulong address = start + offset;
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
        else if (tail == 0)
        {
            _byEnd.Remove(hole);
            found.Size = offset;
            _byEnd.Add(hole);
            _bySize.Insert(hole);
        }
        else
        {
            // The hole splits around the chunk; the tail inherits its end, so its by-end entry moves over as is.
            int rest = _arena.Rent(address + size, tail); // may grow the arena: `found` is not used after this
            _byEnd.Replace(hole, rest);
            _arena.Items[hole].Size = offset;
            _byEnd.Add(hole);
            _byStart.Add(rest);
            _bySize.Insert(hole);
            _bySize.Insert(rest);
        }
        return address;
    }

    /// <summary>Grows hole <paramref name="before"/>, which ends where a freed chunk of <paramref name="size"/> bytes
    /// starts, over the chunk, and over hole <paramref name="after"/> (which starts at the chunk's end) if there is one:
    /// the grown hole inherits its end, and its by-end entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void GrowOver(int before, ulong size, int after)
    {
        _bySize.Remove(before);
        _byEnd.Remove(before);
        if (after != HoleArena.Nil)
        {
            ulong afterSize = _arena.Items[after].Size;
            _bySize.Remove(after);
            _byStart.Remove(after);
            _byEnd.Replace(after, before);
            _arena.Return(after);
            _arena.Items[before].Size += size + afterSize;
        }
        else
        {
            _arena.Items[before].Size += size;
            _byEnd.Add(before);
        }
        _bySize.Insert(before);
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
}
