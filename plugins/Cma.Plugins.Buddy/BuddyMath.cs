using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.Buddy;

/// <summary>
/// The unit maths of the buddy system, on block indexes: an index is an absolute address divided by the granule,
/// and a block of order k covers the 2^k granules <c>[index, index + 2^k)</c> with <c>index</c> a multiple of 2^k.
/// </summary>
internal static class BuddyMath
{
    /// <summary>The highest order a block can have (2^63 granules).</summary>
    public const int HighestOrder = 63;

    /// <summary>Granules in a block of <paramref name="order"/>: 2^order, e.g. order 3 → 8.</summary>
    public static ulong Granules(int order)
    {
        Debug.Assert(order is >= 0 and <= HighestOrder);
        return 1UL << order;
    }

    /// <summary>The order of the smallest block that holds <paramref name="granules"/> granules: ceil(log2(granules)),
    /// e.g. 1 → 0, 3 → 2, 4 → 2, 5 → 3; 2^63 + 1 → 64 (larger than any block).</summary>
    public static int OrderFor(ulong granules)
    {
        Debug.Assert(granules > 0);
        return granules == 1 ? 0 : BitOperations.Log2(granules - 1) + 1;
    }

    /// <summary>The buddy of a block: <c>index ^ (1 &lt;&lt; order)</c>, e.g. 8 → 10 and 10 → 8 at order 1;
    /// the two together are the block of order + 1 at <c>index &amp; ~(1 &lt;&lt; order)</c> (8).</summary>
    public static ulong BuddyOf(ulong index, int order) => index ^ Granules(order);

    /// <summary>The block of <paramref name="order"/> that contains <paramref name="index"/>, e.g. index 13 at order 2 → 12.</summary>
    public static ulong BlockContaining(ulong index, int order) => index & ~(Granules(order) - 1);

    /// <summary>The largest order of a block starting at <paramref name="index"/> that ends at or before
    /// <paramref name="end"/> and is at most <paramref name="maxOrder"/>: the greedy step that tiles a range
    /// with the fewest aligned blocks. E.g. index 12, end 32 → 2 (12 is a multiple of 4, not of 8);
    /// index 16, end 20 → 2 (only 4 granules are left); index 0, end 2^40, max order 10 → 10.</summary>
    public static int TileOrder(ulong index, ulong end, int maxOrder)
    {
        Debug.Assert(index < end);
        int aligned = index == 0 ? HighestOrder : BitOperations.TrailingZeroCount(index);
        int fits = BitOperations.Log2(end - index);
        return Math.Min(Math.Min(aligned, fits), maxOrder);
    }

    /// <summary>How many blocks tile <c>[first, end)</c> greedily with orders at most <paramref name="maxOrder"/>,
    /// without walking the long middle run of maximal blocks: e.g. [3, 40) with max order 3 → 3, 4..8, then
    /// 8..40 as four blocks of 8 → 6 blocks.</summary>
    public static ulong TileCount(ulong first, ulong end, int maxOrder)
    {
        ulong count = 0;
        ulong p = first;
        while (p < end)
        {
            int order = TileOrder(p, end, maxOrder);
            if (order == maxOrder)
            {
                ulong run = (end - p) >> maxOrder;
                count += run;
                p += run << maxOrder;
                continue;
            }
            count++;
            p += Granules(order);
        }
        return count;
    }

    /// <summary>The order of the largest block in the greedy tiling of <c>[first, end)</c>: e.g. [3, 40) tiles as
    /// 3, 4..8, 8..16, 16..32, 32..40, so → 4 (16..32). At most about 128 steps: orders rise, then fall.</summary>
    public static int LargestTileOrder(ulong first, ulong end)
    {
        int largest = 0;
        ulong p = first;
        while (p < end)
        {
            int order = TileOrder(p, end, HighestOrder);
            largest = Math.Max(largest, order);
            p += Granules(order);
        }
        return largest;
    }
}
