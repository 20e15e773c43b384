using System.Diagnostics;
using System.Numerics;
namespace Cma.Plugins.Bitmap;

/*
 * Bitmap allocator, after bootmem and mainline mm/cma.c (see README.md).
 *
 * Algorithm. The region is cut into bits of one unit each (granule << OrderPerBit bytes; bit i covers
 * [Start + i·unit, Start + (i+1)·unit), 1 = in use); a request takes ceil(size / unit) consecutive zero bits
 * whose first bit's absolute address is a multiple of the alignment (bitmap_find_next_zero_area_off with the
 * region's base as offset). An 8-ary summary tree over blocks of 256 bits keeps each stretch's (free prefix,
 * free suffix, longest free run), so a search descends to the first block that can hold the run (one vector
 * compare per level picks the child) and scans only it, a word at a time; best fit also keeps the maximal free
 * runs ordered by (length, start) in RunsByLength.
 *
 * Invariants. Bits at and past the region's end are 1. Every tree node summarises its stretch exactly.
 * _freeBits = number of zero bits; _freeRuns = number of maximal zero runs; with best fit, RunsByLength holds
 * exactly the maximal zero runs. Region.Start is a multiple of the unit (Create enforces it), so bit i's
 * address is aligned to A ≤ unit for every i, and to A > unit exactly when (Start/unit + i) % (A/unit) == 0.
 *
 * Complexity. TryAllocate: O(log_8 blocks + 4 words + run/64) for first and next fit, plus one more search per
 * misaligned candidate; best fit O(log runs) per candidate run. Free: O(run/64 + log_8 blocks) (+ O(log runs)
 * for best fit). Stats: O(1). Memory: the bitmap (bits/8 bytes) plus about 50% of that for the summary (8/7 of
 * a 12-byte tree node and a 2-byte count per 256-bit block), plus 20 bytes per free run with best fit. Nothing
 * is allocated per call in steady state (the best-fit run pool grows by doubling).
 *
 * Concurrency. Not thread-safe: the host serialises calls to one instance (it holds the region's lock).
 */

/// <summary>A bitmap allocator for one region (provider <c>bitmap</c>).</summary>
internal sealed partial class BitmapAllocator : ICmaAllocator, ICmaExactPlacement
{
#if DEBUG
    /// <summary>A full invariant check runs after every this many mutations (Debug builds).</summary>
    private const int FullCheckInterval = 1024;

    /// <summary>Mutations so far, to schedule the full check.</summary>
    private int _mutations;
#endif

    /// <summary>The region managed; its start and size are multiples of the unit.</summary>
    private readonly CmaRegion _region;

    /// <summary>log2 of the unit (bytes per bit): log2(granule) + OrderPerBit.</summary>
    private readonly int _unitShift;

    /// <summary>The absolute bit number of bit 0: Region.Start / unit.</summary>
    private readonly ulong _startBit;

    /// <summary>Which zero run a request goes to.</summary>
    private readonly BitmapFit _fit;

    /// <summary>The bitmap and its summary tree.</summary>
    private readonly ZeroRunTree _bits;

    /// <summary>With best fit, every maximal zero run ordered by (length, start); null otherwise.</summary>
    private readonly RunsByLength? _runs;

    /// <summary>Number of zero bits.</summary>
    private long _freeBits;

    /// <summary>Number of maximal zero runs (1 when the region is empty, 0 when it is full).</summary>
    private long _freeRuns;

    /// <summary>Next fit's starting point: one past the last allocation's last bit (0 at first).</summary>
    private long _hint;

    /// <summary>Creates the allocator of an empty region; the caller has validated the region against the options.</summary>
    public BitmapAllocator(CmaRegion region, BitmapOptions options)
    {
        _region = region;
        _unitShift = BitOperations.Log2(region.Granule) + options.OrderPerBit;
        _startBit = region.Start >> _unitShift;
        _fit = options.Fit;
        long bitCount = (long)(region.Size >> _unitShift);
        _bits = new ZeroRunTree(bitCount);
        _freeBits = bitCount;
        _freeRuns = 1;
        if (_fit == BitmapFit.Best)
        {
            _runs = new RunsByLength();
            _runs.Add(0, bitCount);
        }
        Traits = new CmaAllocatorTraits(CmaRounding.Multiple, 1UL << _unitShift, MaxRegionSize(1UL << _unitShift), freeAllLeavesOneBlock: true);
    }

    /// <inheritdoc/>
    public CmaAllocatorTraits Traits { get; }

    /// <inheritdoc/>
    public CmaAllocatorStats Stats => new((ulong)_freeBits << _unitShift, (ulong)_bits.Longest << _unitShift, (ulong)_freeRuns);

    /// <summary>The largest region for a unit: 2^31 bits' worth, saturated at 2^64 - 1.
    /// E.g. unit 4K: 2^31 · 2^12 = 8 TiB.</summary>
    public static ulong MaxRegionSize(ulong unit) => unit > ulong.MaxValue >> 31 ? ulong.MaxValue : unit << 31;

    /// <inheritdoc/>
    public bool TryAllocate(ulong size, ulong alignment, out ulong address)
    {
        Debug.Assert(size > 0 && size % _region.Granule == 0, "size is a positive multiple of the granule");
        Debug.Assert(BitOperations.IsPow2(alignment) && alignment >= _region.Granule, "alignment is a power of two ≥ granule");
        address = 0;
        if (size > _region.Size || BitsFor(size) > _bits.Longest)
            return false;
        long count = BitsFor(size);
        ulong mask = AlignmentMask(alignment);
        ulong phase = (0 - _startBit) & mask;
        ulong runKey = ulong.MaxValue;
        long start = _fit switch
        {
            BitmapFit.Best => FindBest(count, phase, mask, out runKey),
            BitmapFit.Next => FindNext(count, phase, mask),
            _ => FindFrom(0, count, phase, mask),
        };
        if (start < 0)
            return false;
        // A first-fit search from bit 0 finds the lowest start of a run, so the bit before it is in use (a free bit
        // there would start a run of the same length one bit earlier) — unless alignment moved the start.
        Take(start, count, runKey, leftInUse: _fit == BitmapFit.First && mask == 0);
        address = AddressOf(start);
        return true;
    }

    /// <inheritdoc/>
    public void Free(ulong address, ulong size)
    {
        Debug.Assert(size > 0 && _region.Contains(address, size), "the chunk lies in the region");
        Debug.Assert(((address - _region.Start) & ((1UL << _unitShift) - 1)) == 0, "the chunk starts on a bit");
        long start = BitOf(address), count = BitsFor(size);
        bool leftFree = _bits.IsFree(start - 1), rightFree = _bits.IsFree(start + count);
        _bits.Clear(start, count);
        if (_runs is not null)
        {
            long runStart = leftFree ? _bits.PreviousSetEnd(start) : start;
            long runEnd = rightFree ? _bits.NextSet(start + count) : start + count;
            if (leftFree)
                _runs.Remove(runStart, start - runStart);
            if (rightFree)
                _runs.Remove(start + count, runEnd - start - count);
            _runs.Add(runStart, runEnd - runStart);
        }
        _freeBits += count;
        _freeRuns += 1 - (leftFree ? 1 : 0) - (rightFree ? 1 : 0);
#if DEBUG
        CheckAfter(start, count, inUse: false);
#endif
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>The first aligned run of <paramref name="count"/> free bits starting at or after
    /// <paramref name="from"/>, or -1: without alignment the first run; with it, one walk of the tree that skips
    /// the runs with no aligned room (ZeroRunTree.FindAlignedRun), which finds what <see cref="FindFromByRuns"/> does
    /// (checked in Debug builds).</summary>
    private long FindFrom(long from, long count, ulong phase, ulong mask)
    {
        if (mask == 0)
            return _bits.FindRun(from, count);
        if (mask > ZeroRunTree.MaxAlignedMask)
            return FindFromByRuns(from, count, phase, mask);
        long start = _bits.FindAlignedRun(from, count, phase, mask);
#if DEBUG
        if (start != FindFromByRuns(from, count, phase, mask))
            throw new InvalidOperationException($"Bitmap corruption: the aligned search for {count} bits from bit {from} (mask {mask}, phase {phase}) found bit {start}, the run-by-run search bit {FindFromByRuns(from, count, phase, mask)}.");
#endif
        return start;
    }

    /// <summary>The first aligned run of <paramref name="count"/> free bits starting at or after
    /// <paramref name="from"/>, or -1, the plain way: find a run, and if its start is misaligned search again from
    /// the next aligned bit (as bitmap_find_next_zero_area_off does). One search per misaligned candidate run.</summary>
    private long FindFromByRuns(long from, long count, ulong phase, ulong mask)
    {
        while (true)
        {
            long start = _bits.FindRun(from, count);
            if (start < 0)
                return -1;
            ulong gap = (phase - (ulong)start) & mask;
            if (gap == 0)
                return start;
            if (gap > (ulong)(_bits.BitCount - count - start))
                return -1;
            from = start + (long)gap;
        }
    }

    /// <summary>Next fit: the first aligned run at or after the hint, else (wrapping around once) from bit 0.</summary>
    private long FindNext(long count, ulong phase, ulong mask)
    {
        long start = FindFrom(_hint, count, phase, mask);
        return start < 0 && _hint > 0 ? FindFrom(0, count, phase, mask) : start;
    }

    /// <summary>The lowest aligned start inside the shortest free run that can hold <paramref name="count"/>
    /// aligned bits, or -1; <paramref name="runKey"/> is that run's key.</summary>
    private long FindBest(long count, ulong phase, ulong mask, out ulong runKey)
    {
        Debug.Assert(_runs is not null);
        for (runKey = _runs.LowerBound(RunsByLength.Key(0, count)); runKey != ulong.MaxValue; runKey = _runs.LowerBound(runKey + 1))
        {
            long runStart = RunsByLength.StartOf(runKey);
            ulong gap = (phase - (ulong)runStart) & mask;
            if (gap <= (ulong)(RunsByLength.LengthOf(runKey) - count))
                return runStart + (long)gap;
        }
        return -1;
    }

    /// <summary>Marks [start, start + count) in use and updates the counts (and the run index, where
    /// <paramref name="runKey"/>, if known, is the free run being cut); <paramref name="leftInUse"/>: the caller knows
    /// that bit start - 1 is in use (or does not exist), so it is not looked at.</summary>
    private void Take(long start, long count, ulong runKey, bool leftInUse)
    {
        Debug.Assert(!leftInUse || !_bits.IsFree(start - 1), "a first-fit run starts right after a free bit");
        bool leftFree = !leftInUse && _bits.IsFree(start - 1), rightFree = _bits.IsFree(start + count);
        if (_runs is not null)
        {
            long runStart = runKey != ulong.MaxValue ? RunsByLength.StartOf(runKey) : leftFree ? _bits.PreviousSetEnd(start) : start;
            long runEnd = runKey != ulong.MaxValue ? runStart + RunsByLength.LengthOf(runKey) : rightFree ? _bits.NextSet(start + count) : start + count;
            _runs.Remove(runStart, runEnd - runStart);
            if (leftFree)
                _runs.Add(runStart, start - runStart);
            if (rightFree)
                _runs.Add(start + count, runEnd - start - count);
        }
        _bits.Set(start, count);
        _freeBits -= count;
        _freeRuns += (leftFree ? 1 : 0) + (rightFree ? 1 : 0) - 1;
        _hint = start + count;
#if DEBUG
        CheckAfter(start, count, inUse: true);
#endif
    }

    /// <summary>Bits a request takes: ceil(size / unit). E.g. unit 16K: 20K → 2 bits, 16K → 1 bit.</summary>
    private long BitsFor(ulong size) => (long)(((size - 1) >> _unitShift) + 1);

    /// <summary>Address of bit <paramref name="bit"/>. E.g. Start 0x4000_0000, unit 4K, bit 3 → 0x4000_3000.</summary>
    private ulong AddressOf(long bit) => _region.Start + ((ulong)bit << _unitShift);

    /// <summary>Bit at <paramref name="address"/>. E.g. Start 0x4000_0000, unit 4K, 0x4000_3000 → bit 3.</summary>
    private long BitOf(ulong address) => (long)((address - _region.Start) >> _unitShift);

    /// <summary>Bits between aligned starts, minus one: 0 when any bit will do (alignment ≤ unit).
    /// E.g. unit 4K, alignment 64K → 15: a run must start at an absolute bit number ≡ 0 (mod 16), i.e. at an
    /// index i with (i - phase) % 16 == 0, where phase = -Start/unit mod 16 (Start bit 0x40003 → phase 13).</summary>
    private ulong AlignmentMask(ulong alignment) => alignment >> _unitShift <= 1 ? 0 : (alignment >> _unitShift) - 1;

#if DEBUG
    /// <summary>Checks the bits just changed and their summaries (O(change)), and everything every
    /// <see cref="FullCheckInterval"/> mutations.</summary>
    private void CheckAfter(long start, long count, bool inUse)
    {
        if (!_bits.AreAll(start, count, inUse))
            throw new InvalidOperationException($"Bitmap corruption: bits [{start}, {start + count}) should all be {(inUse ? "in use" : "free")}.");
        _bits.CheckAround(start, count);
        if (++_mutations % FullCheckInterval == 0)
            CheckAll();
    }
#endif

    /// <summary>Checks every invariant (O(bits / 64 + runs · log runs)); throws <see cref="InvalidOperationException"/>
    /// when one is broken.</summary>
    internal void CheckAll()
    {
        (long freeBits, long runs) = _bits.CheckAll();
        if (freeBits != _freeBits || runs != _freeRuns)
            throw new InvalidOperationException($"Bitmap corruption: counted {freeBits} free bits in {runs} runs, but kept {_freeBits} in {_freeRuns}.");
        if (_runs is null)
            return;
        if (_runs.Count != runs)
            throw new InvalidOperationException($"Bitmap corruption: the best-fit index holds {_runs.Count} runs, the bitmap has {runs}.");
        for (ulong key = _runs.LowerBound(0); key != ulong.MaxValue; key = _runs.LowerBound(key + 1))
        {
            long start = RunsByLength.StartOf(key), length = RunsByLength.LengthOf(key);
            if (!_bits.AreAll(start, length, set: false) || _bits.IsFree(start - 1) || _bits.IsFree(start + length))
                throw new InvalidOperationException($"Bitmap corruption: the indexed run of {length} bits at bit {start} is not a maximal free run.");
        }
    }
}
