namespace Cma.Conformance;

/// <summary>The regions the checks use, in granules from 1 GiB (so that address 0 is never a chunk and the
/// base is aligned to every alignment the checks ask for below 1 GiB).</summary>
internal static class KitRegions
{
    /// <summary>Where the checks' regions start: 1 GiB.</summary>
    public const ulong Base = 1UL << 30;

    /// <summary>A region <paramref name="startUnits"/> region units past 1 GiB, <paramref name="sizeUnits"/> units long
    /// (<see cref="ConformanceContext.RegionUnit"/>: the granule, unless the allocator rounds to a larger unit).</summary>
    /// <example><c>Create(context, 1, 1024)</c> with a 4 KiB granule is 4 MiB starting at 1 GiB + 4 KiB, whose start
    /// is aligned to nothing above 4 KiB.</example>
    public static CmaRegion Create(ConformanceContext context, ulong startUnits, ulong sizeUnits)
    {
        ulong unit = context.RegionUnit;
        return new("conformance", Base + startUnits * unit, sizeUnits * unit, context.Granule);
    }

    /// <summary>The largest power of two not above <paramref name="value"/> (positive), e.g. 6 → 4.</summary>
    public static ulong PowerOfTwoAtMost(ulong value) => 1UL << (63 - (int)ulong.LeadingZeroCount(value));
}
