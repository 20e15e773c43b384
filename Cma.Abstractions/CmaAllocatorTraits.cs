using System.Numerics;

namespace Cma;

/// <summary>
/// What the host needs to know about an allocator to check it: how it rounds a request, the largest region it
/// can manage, and whether freeing every allocation leaves one free block.
/// </summary>
public readonly record struct CmaAllocatorTraits
{
    /// <summary>Creates traits, checking their invariants.</summary>
    /// <param name="rounding">How a request is rounded.</param>
    /// <param name="unit">The rounding unit in bytes; a power of two (a multiple of the granule).</param>
    /// <param name="maxRegionSize">The largest region size the allocator supports, in bytes.</param>
    /// <param name="freeAllLeavesOneBlock">Whether freeing everything leaves one free block covering the region.</param>
    /// <exception cref="ArgumentException"><paramref name="unit"/> is not a power of two, or <paramref name="maxRegionSize"/> is 0.</exception>
    public CmaAllocatorTraits(CmaRounding rounding, ulong unit, ulong maxRegionSize, bool freeAllLeavesOneBlock)
    {
        if (!BitOperations.IsPow2(unit))
            throw new ArgumentException($"The rounding unit must be a power of two; {unit} is not.", nameof(unit));
        if (!Enum.IsDefined(rounding))
            throw new ArgumentException($"Unknown rounding {rounding}.", nameof(rounding));
        ArgumentOutOfRangeException.ThrowIfZero(maxRegionSize);
        Rounding = rounding;
        Unit = unit;
        MaxRegionSize = maxRegionSize;
        FreeAllLeavesOneBlock = freeAllLeavesOneBlock;
    }

    /// <summary>How a request is rounded.</summary>
    public CmaRounding Rounding { get; }

    /// <summary>The rounding unit in bytes (a power of two, a multiple of the granule).</summary>
    public ulong Unit { get; }

    /// <summary>The largest region size the allocator supports, in bytes.</summary>
    public ulong MaxRegionSize { get; }

    /// <summary>Whether freeing every allocation leaves one free block covering the whole region. False, for
    /// example, for a buddy allocator on a region that is not one aligned power of two.</summary>
    public bool FreeAllLeavesOneBlock { get; }

    /// <summary>The bytes a request of <paramref name="size"/> reserves. Saturates at <see cref="ulong.MaxValue"/>.</summary>
    /// <param name="size">The requested size in bytes.</param>
    /// <returns>The rounded size: for <see cref="CmaRounding.Multiple"/> the next multiple of <see cref="Unit"/>
    /// (e.g. 5000 → 8192 with a 4096 unit); for <see cref="CmaRounding.PowerOfTwo"/> <see cref="Unit"/> times the
    /// next power of two of the unit count (e.g. 3 units → 4 units).</returns>
    public ulong ReservedBytes(ulong size)
    {
        if (size == 0)
            return 0;
        // The unit is a power of two (the constructor's rule; 0 in a default value means 1), so dividing and multiplying
        // by it are shifts: the host calls this on every allocation and free. E.g. unit 4K (shift 12), power-of-two
        // rounding: 12K → 3 units → 4 units → 16K.
        int shift = Unit == 0 ? 0 : BitOperations.TrailingZeroCount(Unit);
        ulong units = ((size - 1) >> shift) + 1;
        if (Rounding == CmaRounding.PowerOfTwo)
        {
            if (units > 1UL << 63)
                return ulong.MaxValue;
            units = BitOperations.RoundUpToPowerOf2(units);
        }
        return units > ulong.MaxValue >> shift ? ulong.MaxValue : units << shift;
    }

    /// <summary>Traits of an exact allocator: requests reserve their size rounded up to <paramref name="granule"/>.</summary>
    /// <param name="granule">The region's granule.</param>
    /// <param name="maxRegionSize">The largest region size supported.</param>
    /// <returns>Traits with <see cref="CmaRounding.Multiple"/> of the granule, one block after freeing everything.</returns>
    public static CmaAllocatorTraits Exact(ulong granule, ulong maxRegionSize = ulong.MaxValue) =>
        new(CmaRounding.Multiple, granule, maxRegionSize, freeAllLeavesOneBlock: true);
}
