using System.Numerics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// The treap roots of the size index, one tree per wide class and 64 per exact class. A wide class (64 granules and
/// up, <see cref="ExactClasses"/> on) is one treap ordered by (size, start). An exact class (1 to 63 granules: one
/// size, so ordered by start alone) is split by the start's 1/64th of the region into 64 treaps, with a mask of the
/// non-empty ones: exact classes hold most holes, and 64 shallow treaps are cheaper to update than one deep one.
/// Walking an exact class's ranges upwards and each treap in order visits its holes in ascending start order.
/// E.g. region 64 GiB: range width 1 GiB, a 3-granule hole at offset 5.5 GiB is in tree ClassCount + 3 × 64 + 5.
/// </summary>
/// <remarks>A mutable struct kept in a field of its owner, so a call is no extra indirection; never copy it.</remarks>
internal struct SizeClassTrees
{
    /// <summary>Classes below this one are exact: class <c>c</c> holds the holes of exactly <c>c</c> granules.</summary>
    public const int ExactClasses = BestFitUnits.ClassesPerOctave;

    /// <summary>Start ranges (treaps) per exact class: one bit each of a 64-bit mask.</summary>
    public const int Ranges = 64;

    /// <summary>Number of treaps: tree <c>c</c> is wide class <c>c</c> (trees below <see cref="ExactClasses"/> stay
    /// empty), tree <c>ClassCount + 64 × c + r</c> is range <c>r</c> of exact class <c>c</c>.</summary>
    public const int TreeCount = SizeClassBitmap.ClassCount + (ExactClasses * Ranges);

    /// <summary>Treap root per tree, or <see cref="HoleArena.Nil"/> when it is empty.</summary>
    private readonly int[] _roots;

    /// <summary>Per exact class, bit <c>r</c> set exactly when its range <c>r</c> holds a hole.</summary>
    private readonly ulong[] _rangeMasks;

    /// <summary>The region's start: a hole's range is <c>(start - _regionStart) &gt;&gt; _rangeShift</c>.</summary>
    private readonly ulong _regionStart;

    /// <summary>log2 of a range's width: at least the granule, and 64 ranges cover the region.</summary>
    private readonly int _rangeShift;

    /// <summary>Creates empty trees for the holes of <paramref name="region"/>.</summary>
    public SizeClassTrees(CmaRegion region)
    {
        int granuleShift = BitOperations.TrailingZeroCount(region.Granule);
        _regionStart = region.Start;
        _rangeShift = Math.Max(granuleShift, 64 - BitOperations.LeadingZeroCount(region.Size - 1) - 6);
        _roots = new int[TreeCount];
        Array.Fill(_roots, HoleArena.Nil);
        _rangeMasks = new ulong[ExactClasses];
    }

    /// <summary>The root of tree <paramref name="tree"/>, by reference (for the treap operations).</summary>
    public readonly ref int Root(int tree) => ref _roots[tree];

    /// <summary>The tree a hole of class <paramref name="sizeClass"/> starting at <paramref name="start"/> belongs in.</summary>
    public readonly int TreeOf(ulong start, int sizeClass) =>
        sizeClass < ExactClasses ? RangeTree(sizeClass, (int)((start - _regionStart) >> _rangeShift)) : sizeClass;

    /// <summary>The tree of range <paramref name="range"/> of exact class <paramref name="sizeClass"/>.</summary>
    public static int RangeTree(int sizeClass, int range) => SizeClassBitmap.ClassCount + (sizeClass * Ranges) + range;

    /// <summary>The non-empty ranges of exact class <paramref name="sizeClass"/>: bit <c>r</c> for range <c>r</c>.</summary>
    public readonly ulong RangesOf(int sizeClass) => _rangeMasks[sizeClass];

    /// <summary>The lowest non-empty tree of non-empty exact class <paramref name="sizeClass"/>.</summary>
    public readonly int FirstRangeTree(int sizeClass) => RangeTree(sizeClass, BitOperations.TrailingZeroCount(_rangeMasks[sizeClass]));

    /// <summary>The highest non-empty tree of non-empty exact class <paramref name="sizeClass"/>.</summary>
    public readonly int LastRangeTree(int sizeClass) => RangeTree(sizeClass, 63 - BitOperations.LeadingZeroCount(_rangeMasks[sizeClass]));

    /// <summary>Records that <paramref name="tree"/>, a tree of class <paramref name="sizeClass"/>, holds a hole.</summary>
    public void Filled(int sizeClass, int tree)
    {
        if (sizeClass < ExactClasses)
            _rangeMasks[sizeClass] |= 1UL << tree; // tree % 64 is the range
    }

    /// <summary>After a removal from <paramref name="tree"/> of class <paramref name="sizeClass"/>: whether the class
    /// is now empty (for an exact class, its range mask is updated on the way).</summary>
    public bool ClassEmptiedBy(int sizeClass, int tree) =>
        _roots[tree] == HoleArena.Nil && (sizeClass >= ExactClasses || (_rangeMasks[sizeClass] &= ~(1UL << tree)) == 0);

    /// <summary>Checks that tree <paramref name="tree"/> agrees with the range mask and with
    /// <paramref name="classBit"/>, whether the class bitmap marks its class non-empty.</summary>
    /// <exception cref="InvalidOperationException">It does not.</exception>
    public readonly void AuditTree(int tree, int sizeClass, bool classBit)
    {
        bool rooted = _roots[tree] != HoleArena.Nil;
        bool consistent = tree >= SizeClassBitmap.ClassCount
            ? ((_rangeMasks[sizeClass] & (1UL << tree)) != 0) == rooted && classBit == (_rangeMasks[sizeClass] != 0)
            : sizeClass < ExactClasses ? !rooted : classBit == rooted;
        if (!consistent)
            throw new InvalidOperationException($"best-fit size class {sizeClass}: bitmap or range mask disagrees with its treaps.");
    }
}
