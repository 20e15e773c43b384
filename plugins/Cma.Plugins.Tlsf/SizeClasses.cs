using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Plugins.Tlsf;

/// <summary>
/// The unit maths of the two-level size classes, in granules, each step a tiny helper with a worked example.
/// With b second-level bits, a size s of first level f = floor(log2 s) ≥ b falls in one of 2^b lists of equal width
/// 2^(f − b) that cut [2^f, 2^(f+1)); sizes below 2^(b+1) have a list each. Every list has one flat index
/// <c>(shift &lt;&lt; b) + (s &gt;&gt; shift)</c> with shift = max(0, f − b), so indexes grow with the sizes they hold; the
/// bitmaps address list i as word <c>i &gt;&gt; b</c> (the "first level"), bit <c>i &amp; (2^b − 1)</c>.
/// </summary>
internal static class SizeClasses
{
    /// <summary>The fewest second-level bits: one bit gives 65 − 1 = 64 first levels, the most one 64-bit word maps.</summary>
    public const int MinSecondLevelBits = 1;

    /// <summary>The most second-level bits: 2^6 = 64 lists per first level, one 64-bit word.</summary>
    public const int MaxSecondLevelBits = 6;

    /// <summary>Number of lists for <paramref name="bits"/> second-level bits: (65 − b) × 2^b, enough for every size up
    /// to 2^64 − 1 granules. E.g. b = 5 → 60 × 32 = 1920 (the last, 1919, holds [63 × 2^58, 2^64)).</summary>
    public static int ListCount(int bits) => (65 - bits) << bits;

    /// <summary>The list a free block of <paramref name="granules"/> belongs to. E.g. with b = 5: 7 → 7 (exact);
    /// 40 → 40 (f = 5, width 1); 100 (f = 6, width 2) → (1 &lt;&lt; 5) + 50 = 82; 1000 (f = 9, width 16) → 4 × 32 + 62 = 190.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ListOf(ulong granules, int bits)
    {
        Debug.Assert(granules > 0);
        int shift = Math.Max(0, BitOperations.Log2(granules) - bits);
        return (shift << bits) + (int)(granules >> shift);
    }

    /// <summary>The first list whose every block holds <paramref name="granules"/>: the list of the request itself when
    /// the request is its lower bound, otherwise the next one (TLSF's "round up" search). E.g. with b = 5: 100 → 82
    /// (list 82 holds [100, 102)); 101 → 83; 1000 → 190 ([992, 1008) may hold blocks of 992) + 1 = 191. May return
    /// <see cref="ListCount"/> when no list above exists.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SearchListOf(ulong granules, int bits)
    {
        Debug.Assert(granules > 0);
        int shift = Math.Max(0, BitOperations.Log2(granules) - bits);
        int list = (shift << bits) + (int)(granules >> shift);
        ulong below = granules & ((1UL << shift) - 1);
        return below == 0 ? list : list + 1;
    }

    /// <summary><see cref="ListOf"/> and <see cref="SearchListOf"/> at once: the list of <paramref name="granules"/>, and in
    /// <paramref name="search"/> the first list whose every block holds it. E.g. with b = 5: 100 → 82, search 82; 1000 →
    /// 190, search 191.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ListOf(ulong granules, int bits, out int search)
    {
        Debug.Assert(granules > 0);
        int shift = Math.Max(0, BitOperations.Log2(granules) - bits);
        int list = (shift << bits) + (int)(granules >> shift);
        search = (granules & ((1UL << shift) - 1)) == 0 ? list : list + 1;
        return list;
    }

    /// <summary>The smallest size list <paramref name="list"/> holds. E.g. with b = 5: 7 → 7; 82 → (32 + 18) × 2 = 100;
    /// 191 → (32 + 31) × 16 = 1008; 1919 → 63 × 2^58.</summary>
    public static ulong LowerBound(int list, int bits)
    {
        int first = list >> bits;
        if (first == 0)
            return (ulong)list;
        ulong second = (ulong)(list & ((1 << bits) - 1));
        return ((1UL << bits) + second) << (first - 1);
    }

    /// <summary>How many sizes list <paramref name="list"/> holds: 1 in the first two levels, 2^(first level − 1)
    /// above. E.g. with b = 5: 82 → 2; 190 → 16.</summary>
    public static ulong Width(int list, int bits) => 1UL << Math.Max(0, (list >> bits) - 1);
}
