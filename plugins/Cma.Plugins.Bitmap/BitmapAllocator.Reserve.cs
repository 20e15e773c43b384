using System.Diagnostics;

namespace Cma.Plugins.Bitmap;

/// <summary>Exact placement (contract 1.1): a range is reserved by setting the bits that cover it.</summary>
internal sealed partial class BitmapAllocator
{
    /// <inheritdoc/>
    /// <remarks>The range must start on a bit (a multiple of the unit from the region's start, which with the
    /// default <c>OrderPerBit</c> 0 is any granule); it takes ceil(size / unit) bits, the same as an allocation of
    /// <paramref name="size"/> (so it reserves <c>Traits.ReservedBytes(size)</c>). It is accepted exactly when every
    /// one of those bits is free. A range that starts inside a bit is refused: a bit is the smallest thing this
    /// allocator can hand out, and the bit's other granules would be lost or shared. Cost: one search for the next
    /// bit in use, O(log_8 blocks + a block's words), then the same update as an allocation.</remarks>
    public bool TryReserve(ulong address, ulong size)
    {
        Debug.Assert(size > 0 && size % _region.Granule == 0, "size is a positive multiple of the granule");
        Debug.Assert(address % _region.Granule == 0 && _region.Contains(address, size), "the range is granule-aligned and in the region");
        if (((address - _region.Start) & ((1UL << _unitShift) - 1)) != 0)
            return false;
        long start = BitOf(address), count = BitsFor(size);
        if (count > _freeBits || _bits.NextSet(start) < start + count)
            return false;
        Take(start, count, runKey: ulong.MaxValue, leftInUse: false);
        return true;
    }
}
