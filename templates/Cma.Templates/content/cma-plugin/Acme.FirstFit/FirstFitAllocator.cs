using System.Diagnostics;
using Cma;

namespace Acme.FirstFit;

/// <summary>
/// First fit: the free space is a list of holes sorted by address. An allocation takes the first hole (from the
/// bottom, or from the top with <c>FromTop</c>) that holds the request at an address aligned to the requested
/// alignment, and splits it into at most two holes. A free puts the range back and merges it with an adjacent hole on
/// either side, so freeing everything leaves one hole: the whole region.
/// <para>Invariants: holes are sorted, disjoint, non-adjacent and inside the region; their lengths sum to the free
/// bytes; <see cref="_lengths"/> holds exactly one entry per hole.</para>
/// <para>Complexity: allocate O(h) in the worst case, free O(log h) to find the place plus the list's O(h) insert
/// or remove; statistics O(log h) — h the number of holes.</para>
/// <para>Rounding: exact. A request reserves exactly its size; alignment is of the absolute address.</para>
/// <para>Concurrency: none needed. The host never overlaps calls to one allocator.</para>
/// </summary>
internal sealed class FirstFitAllocator : ICmaAllocator
{
    /// <summary>The region managed; fixed for the allocator's life.</summary>
    private readonly CmaRegion _region;

    /// <summary>Whether the search runs from the top of the region down.</summary>
    private readonly bool _fromTop;

    /// <summary>The free ranges sorted by start: disjoint, non-adjacent, inside the region.</summary>
    private readonly List<Hole> _holes = [];

    /// <summary>(length, start) of every hole, so that the largest is found in O(log h); same count as <see cref="_holes"/>.</summary>
    private readonly SortedSet<(ulong Length, ulong Start)> _lengths = [];

    /// <summary>Bytes in holes: the region size minus the sizes of the live allocations.</summary>
    private ulong _freeBytes;

    /// <summary>Creates the allocator with the whole region one hole.</summary>
    /// <param name="region">The region.</param>
    /// <param name="options">The region's settings.</param>
    public FirstFitAllocator(CmaRegion region, FirstFitOptions options)
    {
        _region = region;
        _fromTop = options.FromTop;
        Traits = CmaAllocatorTraits.Exact(region.Granule, FirstFitProvider.MaxRegionSize);
        _freeBytes = region.Size;
        AddHole(0, new Hole(region.Start, region.End));
    }

    /// <inheritdoc/>
    public CmaAllocatorTraits Traits { get; }

    /// <inheritdoc/>
    public CmaAllocatorStats Stats => new(_freeBytes, _lengths.Count == 0 ? 0 : _lengths.Max.Length, (ulong)_holes.Count);

    /// <inheritdoc/>
    public bool TryAllocate(ulong size, ulong alignment, out ulong address)
    {
        Debug.Assert(size > 0 && size % _region.Granule == 0, "the host passes a positive multiple of the granule");
        Debug.Assert(ulong.IsPow2(alignment) && alignment >= _region.Granule, "the host passes a power of two of at least the granule");
        int count = _holes.Count;
        for (int k = 0; k < count; k++)
        {
            int i = _fromTop ? count - 1 - k : k;
            ulong start;
            bool fits = _fromTop ? TryPlaceHigh(_holes[i], size, alignment, out start) : TryPlaceLow(_holes[i], size, alignment, out start);
            if (fits)
            {
                Take(i, start, size);
                address = start;
                return true;
            }
        }
        address = 0;
        return false;
    }

    /// <inheritdoc/>
    public void Free(ulong address, ulong size)
    {
        Debug.Assert(_region.Contains(address, size), "the host frees only live allocations of this region");
        ulong end = address + size;
        int next = FirstHoleStartingAfter(address);
        bool mergePrevious = next > 0 && _holes[next - 1].End == address;
        bool mergeNext = next < _holes.Count && _holes[next].Start == end;
        if (mergePrevious && mergeNext)
        {
            ulong mergedEnd = _holes[next].End;
            RemoveHole(next);
            ReplaceHole(next - 1, new Hole(_holes[next - 1].Start, mergedEnd));
        }
        else if (mergePrevious)
        {
            ReplaceHole(next - 1, new Hole(_holes[next - 1].Start, end));
        }
        else if (mergeNext)
        {
            ReplaceHole(next, new Hole(address, _holes[next].End));
        }
        else
        {
            AddHole(next, new Hole(address, end));
        }
        _freeBytes += size;
        CheckAround(next);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>The lowest address in <paramref name="hole"/> aligned to <paramref name="alignment"/> that holds
    /// <paramref name="size"/> bytes: the hole's start rounded up (e.g. 0x41000 at 64K alignment → 0x50000).</summary>
    private static bool TryPlaceLow(Hole hole, ulong size, ulong alignment, out ulong start)
    {
        ulong mask = alignment - 1;
        start = 0;
        if (hole.Start > ulong.MaxValue - mask)
            return false;
        start = (hole.Start + mask) & ~mask;
        return start < hole.End && hole.End - start >= size;
    }

    /// <summary>The highest address in <paramref name="hole"/> aligned to <paramref name="alignment"/> that holds
    /// <paramref name="size"/> bytes: the hole's end less the size, rounded down (e.g. 0x9F000 − 0x2000 at 64K → 0x90000).</summary>
    private static bool TryPlaceHigh(Hole hole, ulong size, ulong alignment, out ulong start)
    {
        start = 0;
        if (hole.Length < size)
            return false;
        start = (hole.End - size) & ~(alignment - 1);
        return start >= hole.Start;
    }

    /// <summary>Carves <c>[start, start + size)</c> out of hole <paramref name="i"/>, leaving at most two holes.</summary>
    private void Take(int i, ulong start, ulong size)
    {
        Hole hole = _holes[i];
        ulong end = start + size;
        bool before = hole.Start < start;
        bool after = end < hole.End;
        if (before)
            ReplaceHole(i, new Hole(hole.Start, start));
        if (before && after)
            AddHole(i + 1, new Hole(end, hole.End));
        else if (after)
            ReplaceHole(i, new Hole(end, hole.End));
        else if (!before)
            RemoveHole(i);
        _freeBytes -= size;
        CheckAround(i);
    }

    /// <summary>The index of the first hole that starts after <paramref name="address"/> (the count when none does).</summary>
    private int FirstHoleStartingAfter(ulong address)
    {
        int lo = 0;
        int hi = _holes.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_holes[mid].Start > address)
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo;
    }

    /// <summary>Inserts a hole at index <paramref name="i"/>.</summary>
    private void AddHole(int i, Hole hole)
    {
        _holes.Insert(i, hole);
        _lengths.Add((hole.Length, hole.Start));
    }

    /// <summary>Removes hole <paramref name="i"/>.</summary>
    private void RemoveHole(int i)
    {
        Hole hole = _holes[i];
        _lengths.Remove((hole.Length, hole.Start));
        _holes.RemoveAt(i);
    }

    /// <summary>Replaces hole <paramref name="i"/> by <paramref name="hole"/>, which keeps its place in the order.</summary>
    private void ReplaceHole(int i, Hole hole)
    {
        Hole old = _holes[i];
        _lengths.Remove((old.Length, old.Start));
        _lengths.Add((hole.Length, hole.Start));
        _holes[i] = hole;
    }

    /// <summary>Debug builds: the holes around index <paramref name="i"/> keep the invariants (O(1) per mutation).</summary>
    [Conditional("DEBUG")]
    private void CheckAround(int i)
    {
        Debug.Assert(_lengths.Count == _holes.Count, "one length entry per hole");
        for (int j = Math.Max(0, i - 2); j < Math.Min(_holes.Count, i + 2); j++)
        {
            Hole hole = _holes[j];
            Debug.Assert(hole.Start < hole.End && hole.Start >= _region.Start && hole.End <= _region.End, "a hole is non-empty and inside the region");
            Debug.Assert(j + 1 >= _holes.Count || hole.End < _holes[j + 1].Start, "holes are sorted, disjoint and non-adjacent");
        }
    }

    /// <summary>A free range <c>[Start, End)</c>.</summary>
    private readonly record struct Hole(ulong Start, ulong End)
    {
        /// <summary>The hole's size in bytes.</summary>
        public ulong Length => End - Start;
    }
}
