using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// Orders the holes by size for the best-fit search, from three parts: size classes (<see cref="BestFitUnits.SizeClass"/>:
/// one per granule count below <see cref="ExactClasses"/>, then 64 per power of two) marked in a
/// <see cref="SizeClassBitmap"/>, so the next class up is a few bit scans away; per class, a structure kept in the
/// <see cref="HoleArena"/> slots: an exact class (one size) is a <see cref="HoleList"/>, a wide class a
/// <see cref="Treap"/> ordered by (size, start); and, for the alignments above the granule in use,
/// <see cref="AlignedCapacityBounds"/> that let a search skip a class without visiting its holes. Walking the classes
/// upwards and each wide class's treap in order visits the holes in ascending size order, which is the order best fit
/// must try them in (ties between holes of one size are free: an exact class yields its most recently inserted hole
/// first, a wide class the lowest start).
/// <para>A granule-aligned search that ends in a wide class also remembers the link its hole hangs from
/// (<see cref="_foundLink"/>), so that the allocator's <see cref="Remove"/> of that hole, which always follows, needs
/// no second descent.</para>
/// </summary>
internal sealed partial class HoleSizeIndex
{
    /// <summary>Classes below this one are exact (see <see cref="BestFitUnits.ExactClasses"/>).</summary>
    private const int ExactClasses = BestFitUnits.ExactClasses;

    /// <summary>The holes this index orders.</summary>
    private readonly HoleArena _arena;

    /// <summary>log2 of the region's granule: a size's granule count is <c>size &gt;&gt; _granuleShift</c>.</summary>
    private readonly int _granuleShift;

    /// <summary>The region's granule in bytes.</summary>
    private readonly ulong _granule;

    /// <summary>Per class: the head of an exact class's list, or the root of a wide class's treap;
    /// <see cref="HoleArena.Nil"/> when the class is empty.</summary>
    private readonly int[] _roots = new int[SizeClassBitmap.ClassCount];

    /// <summary>Which classes hold a hole: exactly those with a non-empty list or tree.</summary>
    private SizeClassBitmap _classes = new();

    /// <summary>Per tracked alignment, a bound per class on its holes' aligned capacities.</summary>
    private AlignedCapacityBounds _bounds;

    /// <summary>The stack of an in-order walk in <see cref="FirstFit"/>; grows (rarely) with the deepest treap.</summary>
    private int[] _path = new int[64];

    /// <summary>The wide-class hole the last granule-aligned <see cref="FindBestFit"/> returned, until the next change
    /// of the index; <see cref="HoleArena.Nil"/> when unknown.</summary>
    private int _foundHole = HoleArena.Nil;

    /// <summary>Where <see cref="_foundHole"/> hangs: <c>-1 - class</c> for a treap's root, else <c>parent × 2</c>
    /// for the parent's left child or <c>parent × 2 + 1</c> for its right child (a long: no overflow for any hole
    /// index). Lets <see cref="Remove"/> unlink the hole the allocator takes without descending to it again.</summary>
    private long _foundLink;

    /// <summary>Creates an empty index.</summary>
    /// <param name="arena">Where the holes live.</param>
    /// <param name="region">The region the holes lie in (its granule).</param>
    public HoleSizeIndex(HoleArena arena, CmaRegion region)
    {
        _arena = arena;
        _granuleShift = BitOperations.TrailingZeroCount(region.Granule);
        _granule = region.Granule;
        _bounds = new AlignedCapacityBounds(_granuleShift);
        Array.Fill(_roots, HoleArena.Nil);
    }

    /// <summary>Adds a hole under its current size and start.</summary>
    /// <param name="hole">A hole not in this index.</param>
    public void Insert(int hole)
    {
        Hole[] items = _arena.Items;
        int sizeClass = ClassOf(items[hole].Size);
        if (_bounds.Any)
            _bounds.CountAll(items[hole].Start, items[hole].Size, sizeClass, +1);
        if (sizeClass < ExactClasses)
        {
            HoleList.Push(items, ref _roots[sizeClass], hole);
        }
        else
        {
            _foundHole = HoleArena.Nil;
            items[hole].Left = HoleArena.Nil;
            items[hole].Right = HoleArena.Nil;
            Treap.Insert(items, ref _roots[sizeClass], hole);
        }
        _classes.Add(sizeClass);
    }

    /// <summary>Removes a hole; call it before the hole's size or start changes.</summary>
    /// <param name="hole">A hole in this index.</param>
    public void Remove(int hole)
    {
        Hole[] items = _arena.Items;
        int sizeClass = ClassOf(items[hole].Size);
        ref int root = ref _roots[sizeClass];
        if (_bounds.Any)
            _bounds.CountAll(items[hole].Start, items[hole].Size, sizeClass, -1);
        if (sizeClass < ExactClasses)
        {
            HoleList.Remove(items, ref root, hole);
        }
        else
        {
            if (hole == _foundHole)
                Treap.Unlink(items, ref Link(items, _foundLink), hole);
            else
                Treap.Remove(items, ref root, hole);
            _foundHole = HoleArena.Nil;
        }
        if (root == HoleArena.Nil)
        {
            _classes.Remove(sizeClass);
            if (_bounds.Any && sizeClass >= AlignedCapacityBounds.SmallClasses)
                _bounds.ResetAll(sizeClass);
        }
    }

    /// <summary>The best fit: a smallest hole that holds <paramref name="size"/> bytes at a multiple of
    /// <paramref name="alignment"/> (among holes of that size, the head of an exact class's list, or the lowest start
    /// in a wide class).</summary>
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
        int root = _roots[sizeClass];
        return _arena.Items[sizeClass < ExactClasses ? root : Treap.Last(_arena.Items, root)].Size;
    }

    /// <summary>Checks every list and treap (links, order, heap, class), the class bitmap and every tracked capacity
    /// bound, and lists the holes into <paramref name="holes"/>. O(n); for the periodic Debug audit.</summary>
    /// <param name="holes">Receives every indexed hole.</param>
    /// <exception cref="InvalidOperationException">An invariant is broken.</exception>
    public void Audit(List<int> holes)
    {
        Hole[] items = _arena.Items;
        for (int sizeClass = 0; sizeClass < SizeClassBitmap.ClassCount; sizeClass++)
        {
            int root = _roots[sizeClass];
            if ((root != HoleArena.Nil) != _classes.Contains(sizeClass))
                throw new InvalidOperationException($"best-fit size class {sizeClass}: the bitmap disagrees with its holes.");
            int first = holes.Count;
            if (sizeClass < ExactClasses)
                HoleList.Audit(items, root, holes);
            else
                Treap.Audit(items, root, holes);
            for (int i = first; i < holes.Count; i++)
            {
                ref Hole h = ref items[holes[i]];
                if (h.Size == 0 || ClassOf(h.Size) != sizeClass)
                    throw new InvalidOperationException($"best-fit hole [0x{h.Start:X}, +0x{h.Size:X}) is in the wrong size class.");
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
