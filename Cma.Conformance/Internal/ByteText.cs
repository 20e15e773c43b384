using System.Globalization;

namespace Cma.Conformance;

/// <summary>How the kit writes sizes, ranges and traits in its messages.</summary>
internal static class ByteText
{
    /// <summary>A size as the configuration writes it, e.g. <c>64K</c>, <c>0x1000</c> beyond the suffixes.</summary>
    public static string Size(ulong bytes) => CmaSize.Format(bytes);

    /// <summary>A half-open range, e.g. <c>[0x40000000, 0x40010000) (64K)</c>.</summary>
    public static string Range(ulong address, ulong size) =>
        string.Create(CultureInfo.InvariantCulture, $"[0x{address:X}, 0x{address + size:X}) ({Size(size)})");

    /// <summary>Traits in one line.</summary>
    public static string Traits(CmaAllocatorTraits traits) =>
        $"rounding {traits.Rounding} of {Size(traits.Unit)}, max region {(traits.MaxRegionSize == ulong.MaxValue ? "unbounded" : Size(traits.MaxRegionSize))}, " +
        $"free-all leaves one block: {(traits.FreeAllLeavesOneBlock ? "yes" : "no")}";

    /// <summary>Stats in one line.</summary>
    public static string Stats(CmaAllocatorStats stats) =>
        $"FreeBytes {Size(stats.FreeBytes)}, LargestFreeBlock {Size(stats.LargestFreeBlock)}, FreeBlockCount {stats.FreeBlockCount}";
}
