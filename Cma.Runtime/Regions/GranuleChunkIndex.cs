using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Runtime.Regions;

/// <summary>
/// The <see cref="ChunkIndex"/> of a region of at most <see cref="ChunkIndex.MaxGranulesForMarks"/> granules: two marks
/// per granule boundary in one <see cref="SummarizedBitmap"/> — bit 2j + 1 "a chunk starts at granule j", bit 2j "a
/// chunk ends at granule j" (its last granule is j − 1) — and each chunk's owner and requested size in a
/// <see cref="ChunkDetailTable"/>.
/// Because live chunks are disjoint, the marks alone answer every question about ranges:
/// <list type="bullet">
/// <item>[g, e) overlaps a live chunk exactly when the last mark at or below bit 2g is a start (a chunk began before g and
/// has not ended by g — a start and an end at the same granule order the start above the end, so a chunk that ends where
/// the next begins is read right), or when any mark lies in bits [2g + 1, 2e − 1] (a chunk starts in [g, e), or one
/// ends in (g, e)).</item>
/// <item>A chunk's end is the first mark after its start (nothing else can lie inside it), so a free reads its size
/// from the bitmap and its details from the table: two independent reads.</item>
/// </list>
/// E.g. granule 4 KiB, chunks [0, 8 KiB) and [8 KiB, 12 KiB): marks 1 (start 0), 4 (end 2), 5 (start 2), 6 (end 3).
/// Inserting [4 KiB, 8 KiB) (g 1, e 2): the last mark ≤ 2 is 1, a start: overlap.
/// Complexity: every operation is a few bit scans (O(1) in the number of chunks; the summary levels bound a scan across
/// empty space) plus one hash look-up. Memory: 2 bits per granule (≤ 4 MiB) plus 16–32 bytes per live chunk (the table of details).
/// </summary>
internal sealed class GranuleChunkIndex : ChunkIndexLayout
{
    /// <summary>The region's first address.</summary>
    private readonly ulong _start;

    /// <summary>The region's size in bytes.</summary>
    private readonly ulong _size;

    /// <summary>log2 of the granule.</summary>
    private readonly int _shift;

    /// <summary>Granule − 1.</summary>
    private readonly ulong _granuleMask;

    /// <summary>The start and end marks (see the class summary): 2 × granules + 2 bits.</summary>
    private SummarizedBitmap _marks;

    /// <summary>Each live chunk's owner and requested size, by its first granule.</summary>
    private readonly ChunkDetailTable _details = new();

    /// <summary>Creates the empty index of a region of <paramref name="size"/> bytes (a positive multiple of
    /// <paramref name="granule"/>, at most <see cref="ChunkIndex.MaxGranulesForMarks"/> granules).</summary>
    public GranuleChunkIndex(ulong start, ulong size, ulong granule)
    {
        Debug.Assert(size > 0 && BitOperations.IsPow2(granule) && size % granule == 0 && size / granule <= ChunkIndex.MaxGranulesForMarks);
        _start = start;
        _size = size;
        _shift = BitOperations.TrailingZeroCount(granule);
        _granuleMask = granule - 1;
        _marks = new SummarizedBitmap((int)(size >> _shift) * 2 + 2);
    }

    /// <inheritdoc/>
    public override bool TryInsert(ulong start, ChunkEntry entry)
    {
        ulong offset = start - _start, size = entry.Size;
        Debug.Assert(offset < _size && size <= _size - offset, "the chunk lies inside the region");
        if (((offset | size) & _granuleMask) != 0 || size == 0)
            ThrowNotWholeGranules(start, size);
        int g = (int)(offset >> _shift), e = (int)((offset + size) >> _shift);
        if (Overlapping(g, e))
            return false;
        _details.Add(g, size, entry.Requested, entry.Owner); // first: if it cannot grow, no mark is left without details
        _marks.Set(2 * g + 1);
        _marks.Set(2 * e);
        Count++;
        Bytes += size;
        return true;
    }

    /// <inheritdoc/>
    public override bool Remove(ulong start, out ChunkEntry entry)
    {
        if (!TryStartMark(start, out int g))
        {
            entry = default;
            return false;
        }
        int end = EndMark(g);
        ulong size = (ulong)((end >> 1) - g) << _shift;
        _details.Remove(g, size, out ulong requested, out int owner);
        _marks.Clear(2 * g + 1);
        _marks.Clear(end);
        entry = new ChunkEntry(size, requested, owner);
        Count--;
        Bytes -= entry.Size;
        return true;
    }

    /// <inheritdoc/>
    public override bool TryGet(ulong start, out ChunkEntry entry)
    {
        if (!TryStartMark(start, out int g))
        {
            entry = default;
            return false;
        }
        ulong size = (ulong)((EndMark(g) >> 1) - g) << _shift;
        _details.Get(g, size, out ulong requested, out int owner);
        entry = new ChunkEntry(size, requested, owner);
        return true;
    }

    /// <inheritdoc/>
    public override void ForEach(Action<ulong, ChunkEntry> visit)
    {
        for (int mark = _marks.Next(0); mark >= 0; )
        {
            Debug.Assert((mark & 1) == 1, "after an end (or at the start) the next mark is a start");
            int g = mark >> 1, end = EndMark(g);
            ulong size = (ulong)((end >> 1) - g) << _shift;
            _details.Get(g, size, out ulong requested, out int owner);
            visit(StartOf(g), new ChunkEntry(size, requested, owner));
            mark = _marks.Next(end + 1);
        }
    }

    /// <inheritdoc/>
    public override bool Overlaps(ulong start, ulong size)
    {
        (int g, int e) = Granules(start, size);
        return Overlapping(g, e);
    }

    /// <inheritdoc/>
    public override void CollectOverlapping(ulong start, ulong size, List<ulong> into)
    {
        (int g, int e) = Granules(start, size);
        int before = _marks.Previous(2 * g);
        if (before > 0 && (before & 1) == 1)
            into.Add(StartOf(before >> 1));
        for (int mark = _marks.Next(2 * g + 1); mark >= 0 && mark < 2 * e; mark = _marks.Next(mark + 1))
        {
            if ((mark & 1) == 1)
                into.Add(StartOf(mark >> 1));
        }
    }

    /// <summary>Whether granules [g, e) overlap a live chunk (see the class summary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Overlapping(int g, int e)
    {
        int before = _marks.Previous(2 * g);
        if (before > 0 && (before & 1) == 1)
            return true;
        int after = _marks.Next(2 * g + 1);
        return after >= 0 && after < 2 * e;
    }

    /// <summary>The granules [g, e) that [start, start + size), inside the region, touches (rounded outwards: a chunk
    /// covers whole granules, so it overlaps the range exactly when it overlaps these).</summary>
    private (int First, int End) Granules(ulong start, ulong size)
    {
        ulong offset = start - _start;
        Debug.Assert(offset < _size && size <= _size - offset, "the range lies inside the region");
        return ((int)(offset >> _shift), (int)((offset + size + _granuleMask) >> _shift));
    }

    /// <summary>Whether a live chunk starts at <paramref name="start"/>, and its first granule.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryStartMark(ulong start, out int g)
    {
        ulong offset = start - _start;
        g = (int)(offset >> _shift);
        // Outside the region (below its start the subtraction wraps), off a granule, or no chunk starts there.
        return offset < _size && (offset & _granuleMask) == 0 && _marks.IsSet(2 * g + 1);
    }

    /// <summary>The end mark of the live chunk whose first granule is <paramref name="g"/>: the first mark after its start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int EndMark(int g)
    {
        int end = _marks.Next(2 * g + 2);
        Debug.Assert(end > 2 * g && (end & 1) == 0, "a chunk's start mark is followed by its end mark");
        return end;
    }

    /// <summary>Refuses a chunk that does not cover whole granules (kept out of <see cref="TryInsert"/>, whose frame would
    /// otherwise set up the message's formatting on every call).</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowNotWholeGranules(ulong start, ulong size) =>
        throw new ArgumentException($"chunk 0x{start:X}+{size} does not cover whole granules of {_granuleMask + 1} bytes", "entry");

    /// <summary>The address of granule <paramref name="g"/>.</summary>
    private ulong StartOf(int g) => _start + ((ulong)g << _shift);
}
