using System.Diagnostics;

namespace Cma.TestPlugins.Broken;

/// <summary>
/// First fit over a sorted list of holes, written to be obviously right (the reference the kit must pass) except
/// for at most one <see cref="FirstFitDefect"/>. Allocate scans the holes in address order and takes the first one
/// that holds the request at its aligned start, splitting it into at most two holes; free inserts the range back
/// and merges it with an adjacent hole on either side. Every operation is O(holes); Stats is O(holes).
/// Invariants (without a defect): holes are sorted, disjoint, non-adjacent, inside the region, and their total is
/// FreeBytes.
/// </summary>
internal sealed class FirstFitAllocator : ICmaAllocator
{
    /// <summary>The region managed.</summary>
    private readonly CmaRegion _region;

    /// <summary>The one mistake this allocator makes, or none.</summary>
    private readonly FirstFitDefect _defect;

    /// <summary>The free ranges, sorted by start; see the invariants above.</summary>
    private readonly List<Hole> _holes = [];

    /// <summary>Bytes not reserved by live allocations (the sum of the holes without a defect).</summary>
    private ulong _freeBytes;

    /// <summary>Creates the allocator with the whole region free.</summary>
    public FirstFitAllocator(CmaRegion region, ulong maxRegionSize, FirstFitDefect defect)
    {
        _region = region;
        _defect = defect;
        _holes.Add(new Hole(region.Start, region.End));
        _freeBytes = region.Size;
        Traits = CmaAllocatorTraits.Exact(region.Granule, maxRegionSize);
    }

    /// <inheritdoc/>
    public CmaAllocatorTraits Traits { get; }

    /// <inheritdoc/>
    public CmaAllocatorStats Stats
    {
        get
        {
            ulong largest = 0;
            foreach (Hole hole in _holes)
                largest = Math.Max(largest, hole.End - hole.Start);
            return new CmaAllocatorStats(_freeBytes, largest, (ulong)_holes.Count);
        }
    }

    /// <inheritdoc/>
    public bool TryAllocate(ulong size, ulong alignment, out ulong address)
    {
        Debug.Assert(size > 0 && ulong.IsPow2(alignment));
        for (int i = 0; i < _holes.Count; i++)
        {
            Hole hole = _holes[i];
            if (!TryAlign(hole.Start, alignment, out ulong start) || hole.End - start < size)
                continue;
            // Aligning can move the start past the hole's end, where hole.End - start wraps to a huge "fit".
            if (start >= hole.End && _defect != FirstFitDefect.OutOfBounds)
                continue;
            _holes.RemoveAt(i);
            if (start + size < hole.End)
                _holes.Insert(i, new Hole(start + size, hole.End));
            if (hole.Start < start)
                _holes.Insert(i, new Hole(hole.Start, start));
            _freeBytes -= _defect == FirstFitDefect.FreeBytes ? size + (start - hole.Start) : size;
            address = start;
            return true;
        }
        if (_defect == FirstFitDefect.ThrowsOnFull)
            throw new InvalidOperationException($"Region '{_region.Name}' has no hole of {size} bytes aligned to {alignment}.");
        address = 0;
        return false;
    }

    /// <inheritdoc/>
    public void Free(ulong address, ulong size)
    {
        ulong end = address + size;
        int next = 0;
        while (next < _holes.Count && _holes[next].Start < address)
            next++;
        bool coalesce = _defect != FirstFitDefect.NoCoalesce;
        bool mergePrevious = coalesce && next > 0 && _holes[next - 1].End == address;
        bool adjacentNext = next < _holes.Count && _holes[next].Start == end;
        bool mergeNext = coalesce && next < _holes.Count && (adjacentNext || (_defect == FirstFitDefect.Overlap && !mergePrevious));
        if (mergePrevious && mergeNext)
        {
            _holes[next - 1] = new Hole(_holes[next - 1].Start, _holes[next].End);
            _holes.RemoveAt(next);
        }
        else if (mergePrevious)
        {
            _holes[next - 1] = new Hole(_holes[next - 1].Start, end);
        }
        else if (mergeNext)
        {
            _holes[next] = new Hole(_holes[next].Start - size, _holes[next].End);
        }
        else
        {
            _holes.Insert(next, new Hole(address, end));
        }
        _freeBytes += size;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>The first address at or after <paramref name="start"/> aligned as requested (absolute, or the offset in
    /// the region with the <see cref="FirstFitDefect.Misaligned"/> defect); false on overflow past 2^64.</summary>
    private bool TryAlign(ulong start, ulong alignment, out ulong aligned)
    {
        ulong origin = _defect == FirstFitDefect.Misaligned ? _region.Start : 0;
        ulong offset = start - origin;
        if (offset > ulong.MaxValue - (alignment - 1))
        {
            aligned = 0;
            return false;
        }
        aligned = origin + ((offset + alignment - 1) & ~(alignment - 1));
        return aligned >= start;
    }

    /// <summary>A free range <c>[Start, End)</c>.</summary>
    private readonly record struct Hole(ulong Start, ulong End);
}
