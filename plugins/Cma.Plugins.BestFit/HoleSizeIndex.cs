using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// Orders the holes by (size, start) for the best-fit search, from three parts: TLSF-like size classes (64 per power
/// of two of the granule count, <see cref="BestFitUnits.SizeClass"/>) marked in a <see cref="SizeClassBitmap"/>, so
/// the next class up is two bit scans away; per class, treaps kept in the <see cref="HoleArena"/> slots
/// (<see cref="SizeClassTrees"/>: one per wide class, 64 start ranges per exact class); and, for the alignments above
/// the granule in use, <see cref="AlignedCapacityBounds"/> that let a search skip a class without visiting its holes.
/// Walking the classes upwards, an exact class's ranges upwards, and each treap in order visits every hole in
/// ascending (size, start) order, which is exactly the order best fit must try them in.
/// <para>A granule-aligned search also remembers the link its hole hangs from (<see cref="_foundLink"/>), so that the
/// allocator's <see cref="Remove"/> of that hole, which always follows, needs no second descent.</para>
/// </summary>
internal sealed partial class HoleSizeIndex
{
    /// <summary>Classes below this one are exact (see <see cref="SizeClassTrees.ExactClasses"/>).</summary>
    private const int ExactClasses = SizeClassTrees.ExactClasses;

    /// <summary>The holes this index orders.</summary>
    private readonly HoleArena _arena;

    /// <summary>log2 of the region's granule: a size's granule count is <c>size &gt;&gt; _granuleShift</c>.</summary>
    private readonly int _granuleShift;

    /// <summary>The region's granule in bytes.</summary>
    private readonly ulong _granule;

    /// <summary>The treaps of every class; a hole is in exactly the tree <see cref="SizeClassTrees.TreeOf"/> names.</summary>
    private SizeClassTrees _trees;

    /// <summary>Which classes hold a hole: exactly those with a non-empty tree.</summary>
    private SizeClassBitmap _classes = new();

    /// <summary>Per tracked alignment, a bound per class on its holes' aligned capacities.</summary>
    private AlignedCapacityBounds _bounds;

    /// <summary>The stack of an in-order walk in <see cref="FirstFit"/>; grows (rarely) with the deepest treap.</summary>
    private int[] _path = new int[64];

    /// <summary>The hole the last granule-aligned <see cref="FindBestFit"/> returned, until the next change of the
    /// index; <see cref="HoleArena.Nil"/> when unknown.</summary>
    private int _foundHole = HoleArena.Nil;

    /// <summary>Where <see cref="_foundHole"/> hangs: <c>-1 - tree</c> for a tree's root, else <c>parent × 2</c>
    /// for the parent's left child or <c>parent × 2 + 1</c> for its right child (a long: no overflow for any hole
    /// index). Lets <see cref="Remove"/> unlink the hole the allocator takes without descending to it again.</summary>
    private long _foundLink;

    /// <summary>xorshift32 state for treap priorities; never zero. Fixed seed: placement is deterministic.</summary>
    private uint _random = 2463534242;

    /// <summary>Creates an empty index.</summary>
    /// <param name="arena">Where the holes live.</param>
    /// <param name="region">The region the holes lie in: its granule and its extent (for the start ranges).</param>
    public HoleSizeIndex(HoleArena arena, CmaRegion region)
    {
        _arena = arena;
        _granuleShift = BitOperations.TrailingZeroCount(region.Granule);
        _granule = region.Granule;
        _trees = new SizeClassTrees(region);
        _bounds = new AlignedCapacityBounds(_granuleShift);
    }

    /// <summary>Adds a hole under its current size and start.</summary>
    /// <param name="hole">A hole not in this index.</param>
    public void Insert(int hole)
    {
        Hole[] items = _arena.Items;
        ulong start = items[hole].Start;
        int sizeClass = ClassOf(items[hole].Size);
        if (_bounds.Any)
            _bounds.CountAll(start, items[hole].Size, sizeClass, +1, classEmptied: false);
        _foundHole = HoleArena.Nil;
        _random ^= _random << 13;
        _random ^= _random >> 17;
        _random ^= _random << 5;
        items[hole].Priority = _random;
        items[hole].Left = HoleArena.Nil;
        items[hole].Right = HoleArena.Nil;
        int tree = _trees.TreeOf(start, sizeClass);
        Treap.Insert(items, ref _trees.Root(tree), hole);
        _trees.Filled(sizeClass, tree);
        _classes.Add(sizeClass);
    }

    /// <summary>Removes a hole; call it before the hole's size or start changes.</summary>
    /// <param name="hole">A hole in this index.</param>
    public void Remove(int hole)
    {
        Hole[] items = _arena.Items;
        ulong start = items[hole].Start;
        int sizeClass = ClassOf(items[hole].Size);
        int tree = _trees.TreeOf(start, sizeClass);
        if (hole == _foundHole)
            Treap.Unlink(items, ref Link(items, _foundLink), hole);
        else
            Treap.Remove(items, ref _trees.Root(tree), hole);
        _foundHole = HoleArena.Nil;
        if (_trees.ClassEmptiedBy(sizeClass, tree))
            _classes.Remove(sizeClass);
        if (_bounds.Any)
            _bounds.CountAll(start, items[hole].Size, sizeClass, -1, classEmptied: _trees.Root(tree) == HoleArena.Nil);
    }

    /// <summary>The best fit: the first hole in ascending (size, start) order that holds <paramref name="size"/>
    /// bytes at a multiple of <paramref name="alignment"/>.</summary>
    /// <param name="size">Bytes wanted; a positive multiple of the granule.</param>
    /// <param name="alignment">A power of two, at least the granule. The first request with a given alignment
    /// above the granule starts tracking it (one allocation of its bounds, O(n) to fill).</param>
    /// <param name="padding">Bytes from the hole's start to the first aligned address.</param>
    /// <returns>The hole, or <see cref="HoleArena.Nil"/> when none fits.</returns>
    public int FindBestFit(ulong size, ulong alignment, out ulong padding)
    {
        padding = 0;
        if (alignment <= _granule)
            return FindFirstAtLeast(size);
        _foundHole = HoleArena.Nil;
        int alignmentLog = BitOperations.Log2(alignment);
        int slot = _bounds.SlotOf(alignmentLog);
        if (slot < 0)
            slot = Track(alignmentLog);
        int hole = FindAligned(size, alignment, slot);
        if (hole != HoleArena.Nil)
        {
            Hole[] items = _arena.Items;
            padding = items[hole].Size - BestFitUnits.AlignedCapacity(items[hole].Start, items[hole].Size, alignment);
        }
        return hole;
    }

    /// <summary>The size of the largest hole, or 0 when there is none. O(log n).</summary>
    public ulong LargestSize()
    {
        if (_classes.IsEmpty)
            return 0;
        int sizeClass = _classes.Highest();
        int tree = sizeClass >= ExactClasses ? sizeClass : _trees.LastRangeTree(sizeClass);
        return _arena.Items[Treap.Last(_arena.Items, _trees.Root(tree))].Size;
    }

    /// <summary>Checks every treap (order, heap, class, range), the class bitmap and range masks and every tracked
    /// capacity bound, and lists the holes into <paramref name="holes"/>. O(n); for the periodic Debug audit.</summary>
    /// <param name="holes">Receives every indexed hole.</param>
    /// <exception cref="InvalidOperationException">An invariant is broken.</exception>
    public void Audit(List<int> holes)
    {
        Hole[] items = _arena.Items;
        for (int tree = 0; tree < SizeClassTrees.TreeCount; tree++)
        {
            int sizeClass = tree >= SizeClassBitmap.ClassCount ? (tree - SizeClassBitmap.ClassCount) / SizeClassTrees.Ranges : tree;
            _trees.AuditTree(tree, sizeClass, _classes.Contains(sizeClass));
            int first = holes.Count;
            Treap.Audit(items, _trees.Root(tree), holes);
            for (int i = first; i < holes.Count; i++)
            {
                ref Hole h = ref items[holes[i]];
                if (ClassOf(h.Size) != sizeClass || _trees.TreeOf(h.Start, sizeClass) != tree)
                    throw new InvalidOperationException($"best-fit hole [0x{h.Start:X}, +0x{h.Size:X}) is in the wrong size class or range.");
            }
        }
        _classes.Audit();
        _bounds.Audit(items, holes);
    }

    /// <summary>The size class of a byte count.</summary>
    private int ClassOf(ulong size)
    {
        Debug.Assert(size >> _granuleShift > 0);
        return BestFitUnits.SizeClass(size >> _granuleShift);
    }
}
