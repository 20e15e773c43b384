using System.Numerics;

namespace Cma.Plugins.BestFit;

/// <summary>The unit maths of best fit, each step a tiny helper with a worked example.</summary>
internal static class BestFitUnits
{
    /// <summary>Size classes per power of two of the granule count above the exact ones (TLSF's second level).</summary>
    public const int ClassesPerOctave = 64;

    /// <summary>Granule counts below this have a class each (the exact classes, one size each): 2^12, i.e. sizes up to
    /// 16 MiB at a 4 KiB granule, 64 KiB at 16 bytes.</summary>
    public const int ExactClasses = 4096;

    /// <summary>log2 of <see cref="ExactClasses"/>: the first octave cut into <see cref="ClassesPerOctave"/> classes.</summary>
    private const int ExactOctave = 12;

    /// <summary>Bytes from <paramref name="start"/> up to the next multiple of <paramref name="alignment"/>,
    /// without forming <c>start + alignment - 1</c> (which could wrap near 2^64): <c>-start mod alignment</c>, with no
    /// branch (the aligned searches and the capacity counts compute it for holes in random order).
    /// E.g. start 0x13000, alignment 64K (0x10000) → -0x13000 mod 0x10000 = 0xD000; start 0x20000 → 0.</summary>
    /// <param name="start">An address.</param>
    /// <param name="alignment">A power of two.</param>
    /// <returns>The padding, less than <paramref name="alignment"/>.</returns>
    public static ulong AlignPadding(ulong start, ulong alignment) => unchecked(0UL - start) & (alignment - 1);

    /// <summary>Whether a hole of <paramref name="holeSize"/> bytes holds <paramref name="size"/> bytes after
    /// skipping <paramref name="padding"/>. E.g. hole 64K, padding 52K, size 12K → yes (exactly); size 16K → no.</summary>
    /// <param name="holeSize">The hole's size.</param>
    /// <param name="padding">Bytes skipped at the hole's start to reach an aligned address.</param>
    /// <param name="size">Bytes wanted.</param>
    /// <returns><see langword="true"/> if <c>padding + size ≤ holeSize</c>.</returns>
    public static bool Holds(ulong holeSize, ulong padding, ulong size) =>
        padding < holeSize && holeSize - padding >= size;

    /// <summary>The most bytes a hole can hold at multiples of <paramref name="alignment"/>: its size minus the
    /// padding to its first aligned address, or 0 when it has no aligned address. A hole holds an aligned request
    /// exactly when its aligned capacity is at least the request. E.g. hole [0x13000, +0x30000), 64K: padding
    /// 0xD000 → 0x23000; hole [0x13000, +0xD000) → 0 (its first aligned address is its end). No branch: the difference is
    /// masked to 0 when the padding is beyond the hole.</summary>
    /// <param name="start">The hole's start.</param>
    /// <param name="holeSize">The hole's size.</param>
    /// <param name="alignment">A power of two.</param>
    /// <returns>The capacity, from 0 to <paramref name="holeSize"/>.</returns>
    public static ulong AlignedCapacity(ulong start, ulong holeSize, ulong alignment)
    {
        ulong padding = AlignPadding(start, alignment);
        ulong beyond = padding > holeSize ? 1UL : 0UL;   // a flag (setcc), not a jump
        return (holeSize - padding) & (beyond - 1);
    }

    /// <summary>The size class of a granule count: counts below <see cref="ExactClasses"/> have a class each (the
    /// exact classes); above, every power of two [2^k, 2^(k+1)) is cut into 64 classes of equal width 2^(k-6). Classes
    /// grow with the count, so walking them upwards visits sizes in ascending order. E.g. 1 → 1; 4095 → 4095;
    /// 5000 (k = 12, width 64) → 4096 + (5000 &gt;&gt; 6) % 64 = 4096 + 14 = 4110; 2^64 - 1 → 4096 + 51 × 64 + 63 = 7423.</summary>
    /// <param name="granules">A positive granule count.</param>
    /// <returns>The class, from 1 to 7423.</returns>
    public static int SizeClass(ulong granules)
    {
        if (granules < ExactClasses)
            return (int)granules;
        int octave = 63 - BitOperations.LeadingZeroCount(granules);
        return ExactClasses + ((octave - ExactOctave) * ClassesPerOctave) + (int)((granules >> (octave - 6)) & (ClassesPerOctave - 1));
    }

    /// <summary>Chunks of at least this many bytes (1 KiB) are large: they go at their hole's end when that is aligned
    /// for them (<see cref="PlacementOffset"/>), in a region whose granule is smaller (with a granule of 1 KiB or more
    /// there are no small chunks to keep them apart from, and every chunk goes at the head).</summary>
    public const ulong LargeChunkBytes = 1024;

    /// <summary>Where the chunk goes in the chosen hole, as an offset from its start. It goes at the hole's **end**
    /// when that leaves one hole instead of two or keeps large chunks apart from small ones: when there is space
    /// left over, the end address minus the size is a multiple of the alignment, and either the aligned head would
    /// leave space on both sides (the RFC's rule: the hole shrinks instead of splitting) or the chunk is
    /// <paramref name="large"/> (small chunks then fill holes from their heads and large ones from their ends, which
    /// on the Android recordings keeps short-lived small chunks from pinning the space large ones need). Otherwise it
    /// goes at the aligned head. E.g. hole [0x13000, 0x43000), 64K alignment, size 64K, small: head padding 0xD000,
    /// end − size = 0x33000, not a multiple of 64K → offset 0xD000 (split). Hole [0x13000, 0x50000): end − size =
    /// 0x40000 → offset 0x2D000 (chunk at 0x40000, one hole [0x13000, 0x40000) left).</summary>
    /// <param name="holeEnd">The hole's end.</param>
    /// <param name="holeSize">The hole's size.</param>
    /// <param name="padding">The head padding to the first aligned address; the request fits after it.</param>
    /// <param name="size">Bytes wanted.</param>
    /// <param name="alignment">A power of two.</param>
    /// <param name="large">Whether the chunk is large (at least <see cref="LargeChunkBytes"/> bytes).</param>
    /// <returns>The chunk's offset in the hole.</returns>
    public static ulong PlacementOffset(ulong holeEnd, ulong holeSize, ulong padding, ulong size, ulong alignment, bool large)
    {
        ulong tail = holeSize - padding - size;
        return tail != 0 && ((holeEnd - size) & (alignment - 1)) == 0 && (padding != 0 || large) ? padding + tail : padding;
    }
}
