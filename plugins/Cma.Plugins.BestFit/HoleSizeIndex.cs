using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// Orders the holes by (size, start) for the best-fit search. Holes fall into TLSF-like size classes (64 per
/// power of two of the granule count, see <see cref="BestFitUnits.SizeClass"/>); a two-level bitmap of non-empty
/// classes finds the next class up with two bit scans. A wide class (64 granules and up) is one treap kept in the
/// <see cref="HoleArena"/> slots. An exact class (1 to 63 granules: one size, so ordered by start alone) is split
/// further into 64 treaps by the start's 1/64th of the region, with a mask of the non-empty ones: exact classes
/// hold most holes (the small ones), and 64 shallow treaps are cheaper to update than one deep one. Walking the
/// classes upwards, an exact class's ranges upwards, and each treap in order visits every hole in ascending
/// (size, start) order, which is exactly the order best fit must try them in.
/// <para>For each alignment above the granule that has been requested (a tracked alignment), every class also
/// knows a bound on the aligned capacity (<see cref="BestFitUnits.AlignedCapacity"/>) of its holes, and a search
/// skips a class whose bound is below the request without visiting its holes, so the result stays exact. An
/// exact class keeps the bound exact: a count of its holes per capacity in granules (at most 63) and a mask of
/// the non-zero counts, whose top bit is the maximum. A wide class keeps a lazy upper bound: an insert raises
/// it, a remove leaves it (still an upper bound), an emptied class resets it to 0, and a search that tries every
/// hole of the class without a fit lowers it to the exact maximum it saw.</para>
/// </summary>
internal sealed class HoleSizeIndex
{
    /// <summary>Number of size classes: 64 bitmap words of 64 bits; the largest class a size can have is 3775.</summary>
    public const int ClassCount = 4096;

    /// <summary>Classes below this one are exact: class <c>c</c> holds the holes of exactly <c>c</c> granules, so
    /// their aligned capacities are 0 to 63 granules.</summary>
    private const int ExactClasses = BestFitUnits.ClassesPerOctave;

    /// <summary>Start ranges (treaps) per exact class: one bit each of a 64-bit mask.</summary>
    private const int Ranges = 64;

    /// <summary>Number of treaps: tree <c>c</c> is wide class <c>c</c> (trees below <see cref="ExactClasses"/> stay
    /// empty), tree <c>ClassCount + 64 × c + r</c> is range <c>r</c> of exact class <c>c</c>.</summary>
    private const int TreeCount = ClassCount + (ExactClasses * Ranges);

    /// <summary>The holes this index orders.</summary>
    private readonly HoleArena _arena;

    /// <summary>log2 of the region's granule: a size's granule count is <c>size &gt;&gt; _granuleShift</c>.</summary>
    private readonly int _granuleShift;

    /// <summary>The region's granule in bytes.</summary>
    private readonly ulong _granule;

    /// <summary>The region's start: a hole's range is <c>(start - _regionStart) &gt;&gt; _rangeShift</c>.</summary>
    private readonly ulong _regionStart;

    /// <summary>log2 of a range's width: at least the granule, and 64 ranges cover the region.</summary>
    private readonly int _rangeShift;

    /// <summary>Treap root per tree (see <see cref="TreeCount"/>), or <see cref="HoleArena.Nil"/> when it is empty.</summary>
    private readonly int[] _roots;

    /// <summary>Per exact class, bit <c>r</c> set exactly when its range <c>r</c> holds a hole.</summary>
    private readonly ulong[] _rangeMasks = new ulong[ExactClasses];

    /// <summary>Bit <c>c % 64</c> of word <c>c / 64</c> is set exactly when class <c>c</c> holds a hole.</summary>
    private readonly ulong[] _nonEmpty = new ulong[ClassCount / 64];

    /// <summary>Bit <c>w</c> is set exactly when <c>_nonEmpty[w]</c> is not zero.</summary>
    private ulong _nonEmptyWords;

    /// <summary>The stack of an in-order walk in <see cref="FindBestFit"/>; grows (rarely) with the deepest treap.</summary>
    private int[] _path = new int[64];

    /// <summary>Per log2 of an alignment, its tracking slot in <see cref="_capacityBounds"/>, or -1 when it is not
    /// tracked. Only alignments above the granule are ever tracked: at the granule every hole's padding is 0.</summary>
    private readonly int[] _slotOfAlignmentLog = new int[64];

    /// <summary>Per tracking slot, log2 of its alignment; the first <see cref="_trackedCount"/> entries are used.</summary>
    private readonly int[] _trackedAlignmentLogs = new int[64];

    /// <summary>Alignments tracked so far; each costs some 48 KiB of bounds and a little work per insert and remove.</summary>
    private int _trackedCount;

    /// <summary>Entry <c>slot × ClassCount + class</c>, for wide classes: at least the aligned capacity, for the
    /// slot's alignment, of every hole in the class (0 for an empty class). Grows by one block per newly tracked
    /// alignment.</summary>
    private ulong[] _capacityBounds = [];

    /// <summary>Entry <c>(slot × ExactClasses + class) × 64 + c</c>: how many holes of exact class <c>class</c> have
    /// an aligned capacity of <c>c</c> granules for the slot's alignment.</summary>
    private int[] _capacityCounts = [];

    /// <summary>Entry <c>slot × ExactClasses + class</c>: bit <c>c</c> set exactly when the matching count of
    /// <see cref="_capacityCounts"/> is not zero; its top bit is the class's largest capacity in granules.</summary>
    private ulong[] _capacityMasks = [];

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
        _regionStart = region.Start;
        _rangeShift = Math.Max(_granuleShift, 64 - BitOperations.LeadingZeroCount(region.Size - 1) - 6);
        _roots = new int[TreeCount];
        Array.Fill(_roots, HoleArena.Nil);
        Array.Fill(_slotOfAlignmentLog, -1);
    }

    /// <summary>Adds a hole under its current size and start.</summary>
    /// <param name="hole">A hole not in this index.</param>
    public void Insert(int hole)
    {
        Hole[] items = _arena.Items;
        ulong start = items[hole].Start;
        int sizeClass = ClassOf(items[hole].Size);
        if (_trackedCount != 0)
            CountCapacities(start, items[hole].Size, sizeClass, +1);
        _foundHole = HoleArena.Nil;
        _random ^= _random << 13;
        _random ^= _random >> 17;
        _random ^= _random << 5;
        items[hole].Priority = _random;
        items[hole].Left = HoleArena.Nil;
        items[hole].Right = HoleArena.Nil;
        int tree = TreeOf(start, sizeClass);
        Treap.Insert(items, ref _roots[tree], hole);
        if (sizeClass < ExactClasses)
            _rangeMasks[sizeClass] |= 1UL << tree; // tree % 64 is the range
        _nonEmpty[sizeClass >> 6] |= 1UL << sizeClass;
        _nonEmptyWords |= 1UL << (sizeClass >> 6);
    }

    /// <summary>Removes a hole; call it before the hole's size or start changes.</summary>
    /// <param name="hole">A hole in this index.</param>
    public void Remove(int hole)
    {
        Hole[] items = _arena.Items;
        ulong start = items[hole].Start;
        int sizeClass = ClassOf(items[hole].Size);
        int tree = TreeOf(start, sizeClass);
        if (hole == _foundHole)
            Treap.Unlink(items, ref Link(items, _foundLink), hole);
        else
            Treap.Remove(items, ref _roots[tree], hole);
        _foundHole = HoleArena.Nil;
        if (_roots[tree] == HoleArena.Nil
            && (sizeClass >= ExactClasses || (_rangeMasks[sizeClass] &= ~(1UL << tree)) == 0))
        {
            ulong word = _nonEmpty[sizeClass >> 6] &= ~(1UL << sizeClass);
            if (word == 0)
                _nonEmptyWords &= ~(1UL << (sizeClass >> 6));
        }
        if (_trackedCount != 0)
            CountCapacities(start, items[hole].Size, sizeClass, -1);
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
        int slot = _slotOfAlignmentLog[alignmentLog];
        if (slot < 0)
            slot = Track(alignmentLog);

        Hole[] items = _arena.Items;
        ulong sizeGranules = size >> _granuleShift;
        int firstClass = ClassOf(size);
        for (int sizeClass = NextNonEmpty(firstClass); sizeClass >= 0; sizeClass = NextNonEmpty(sizeClass + 1))
        {
            int hole;
            if (sizeClass < ExactClasses)
            {
                // The bound is exact: skip the class, or find the fit in it (its holes all have the same size).
                ulong mask = _capacityMasks[(slot * ExactClasses) + sizeClass];
                if ((ulong)(63 - BitOperations.LeadingZeroCount(mask)) < sizeGranules)
                    continue;
                ulong seenExact = 0;
                for (ulong ranges = _rangeMasks[sizeClass]; ranges != 0; ranges &= ranges - 1)
                {
                    int tree = ClassCount + (sizeClass * Ranges) + BitOperations.TrailingZeroCount(ranges);
                    hole = FirstFit(items, _roots[tree], 0, size, alignment, ref seenExact);
                    if (hole != HoleArena.Nil)
                    {
                        padding = items[hole].Size - BestFitUnits.AlignedCapacity(items[hole].Start, items[hole].Size, alignment);
                        return hole;
                    }
                }
                Debug.Fail("an exact class's capacity bound is exact");
                continue;
            }

            ref ulong bound = ref _capacityBounds[(slot * ClassCount) + sizeClass];
            if (bound < size)
                continue;
            // Only the first class holds holes smaller than the request, and their capacity is below it.
            bool first = sizeClass == firstClass;
            ulong seen = first ? size - _granule : 0;
            hole = FirstFit(items, _roots[sizeClass], first ? size : 0, size, alignment, ref seen);
            if (hole != HoleArena.Nil)
            {
                padding = items[hole].Size - BestFitUnits.AlignedCapacity(items[hole].Start, items[hole].Size, alignment);
                return hole;
            }
            bound = seen; // every hole was passed over: the exact maximum (or size - granule, see above)
        }
        return HoleArena.Nil;
    }

    /// <summary>The size of the largest hole, or 0 when there is none. O(log n).</summary>
    public ulong LargestSize()
    {
        if (_nonEmptyWords == 0)
            return 0;
        int word = 63 - BitOperations.LeadingZeroCount(_nonEmptyWords);
        int sizeClass = (word << 6) + 63 - BitOperations.LeadingZeroCount(_nonEmpty[word]);
        int tree = sizeClass >= ExactClasses
            ? sizeClass
            : ClassCount + (sizeClass * Ranges) + 63 - BitOperations.LeadingZeroCount(_rangeMasks[sizeClass]);
        return _arena.Items[Treap.Last(_arena.Items, _roots[tree])].Size;
    }

    /// <summary>Checks every treap (order, heap, class, range), the bitmaps and range masks and every tracked
    /// capacity bound, and lists the holes into <paramref name="holes"/>. O(n); for the periodic Debug audit.</summary>
    /// <param name="holes">Receives every indexed hole.</param>
    /// <exception cref="InvalidOperationException">An invariant is broken.</exception>
    public void Audit(List<int> holes)
    {
        Hole[] items = _arena.Items;
        for (int tree = 0; tree < TreeCount; tree++)
        {
            bool exact = tree >= ClassCount;
            int sizeClass = exact ? (tree - ClassCount) / Ranges : tree;
            bool classBit = (_nonEmpty[sizeClass >> 6] & (1UL << sizeClass)) != 0;
            bool wordBit = (_nonEmptyWords & (1UL << (sizeClass >> 6))) != 0;
            bool rooted = _roots[tree] != HoleArena.Nil;
            bool consistent = exact
                ? ((_rangeMasks[sizeClass] & (1UL << tree)) != 0) == rooted && classBit == (_rangeMasks[sizeClass] != 0)
                : sizeClass < ExactClasses ? !rooted : classBit == rooted;
            if (!consistent || (classBit && !wordBit))
                throw new InvalidOperationException($"best-fit size class {sizeClass}: bitmap or range mask disagrees with its treaps.");
            int first = holes.Count;
            Treap.Audit(items, _roots[tree], holes);
            for (int i = first; i < holes.Count; i++)
            {
                ref Hole h = ref items[holes[i]];
                if (ClassOf(h.Size) != sizeClass || TreeOf(h.Start, sizeClass) != tree)
                    throw new InvalidOperationException($"best-fit hole [0x{h.Start:X}, +0x{h.Size:X}) is in the wrong size class or range.");
            }
        }
        for (int slot = 0; slot < _trackedCount; slot++)
        {
            ulong alignment = 1UL << _trackedAlignmentLogs[slot];
            if (_slotOfAlignmentLog[_trackedAlignmentLogs[slot]] != slot || alignment <= _granule)
                throw new InvalidOperationException($"best-fit tracked alignment slot {slot} is inconsistent.");
            var counts = new int[ExactClasses * 64];
            foreach (int hole in holes)
            {
                ulong capacity = BestFitUnits.AlignedCapacity(items[hole].Start, items[hole].Size, alignment);
                int sizeClass = ClassOf(items[hole].Size);
                if (sizeClass < ExactClasses)
                    counts[(sizeClass * 64) + (int)(capacity >> _granuleShift)]++;
                else if (_capacityBounds[(slot * ClassCount) + sizeClass] < capacity)
                    throw new InvalidOperationException($"best-fit capacity bound for alignment 0x{alignment:X} is below hole 0x{items[hole].Start:X}'s capacity.");
            }
            for (int i = 0; i < counts.Length; i++)
            {
                int index = (slot * ExactClasses * 64) + i;
                bool bit = (_capacityMasks[index >> 6] & (1UL << i)) != 0;
                if (_capacityCounts[index] != counts[i] || bit != (counts[i] != 0))
                    throw new InvalidOperationException($"best-fit capacity count for alignment 0x{alignment:X}, class {i / 64}, capacity {i % 64} granules is wrong.");
            }
        }
        for (int word = 0; word < _nonEmpty.Length; word++)
        {
            if ((_nonEmpty[word] != 0) != ((_nonEmptyWords & (1UL << word)) != 0))
                throw new InvalidOperationException($"best-fit class bitmap summary bit {word} is wrong.");
        }
    }

    /// <summary>The first hole of at least <paramref name="size"/> bytes in (size, start) order: the best fit when
    /// the alignment is the granule, since every hole is granule-aligned. Remembers where it hangs for
    /// <see cref="Remove"/>.</summary>
    /// <returns>The hole, or <see cref="HoleArena.Nil"/>.</returns>
    private int FindFirstAtLeast(ulong size)
    {
        Hole[] items = _arena.Items;
        int sizeClass = NextNonEmpty(ClassOf(size));
        if (sizeClass < 0)
            return _foundHole = HoleArena.Nil;
        if (sizeClass < ExactClasses)
        {
            // Every hole of an exact class at or above the request's class is large enough: take the lowest start.
            return FirstOf(items, ClassCount + (sizeClass * Ranges) + BitOperations.TrailingZeroCount(_rangeMasks[sizeClass]));
        }
        int found = HoleArena.Nil;
        long link = -1 - sizeClass;
        for (int node = _roots[sizeClass]; node != HoleArena.Nil;)
        {
            if (items[node].Size >= size)
            {
                found = node;
                _foundLink = link;
                link = node * 2L;
                node = items[node].Left;
            }
            else
            {
                link = (node * 2L) + 1;
                node = items[node].Right;
            }
        }
        if (found != HoleArena.Nil)
            return _foundHole = found;
        // Only the request's own class can hold smaller holes; the next (wide) class starts with a large enough one.
        sizeClass = NextNonEmpty(sizeClass + 1);
        return sizeClass < 0 ? (_foundHole = HoleArena.Nil) : FirstOf(items, sizeClass);
    }

    /// <summary>The first hole of a non-empty tree, remembered with its link for <see cref="Remove"/>.</summary>
    private int FirstOf(Hole[] items, int tree)
    {
        _foundLink = -1 - tree;
        int node = _roots[tree];
        while (items[node].Left != HoleArena.Nil)
        {
            _foundLink = node * 2L;
            node = items[node].Left;
        }
        return _foundHole = node;
    }

    /// <summary>The first hole of the treap at <paramref name="root"/>, in order from the first of at least
    /// <paramref name="minSize"/> bytes, that holds <paramref name="size"/> bytes at a multiple of
    /// <paramref name="alignment"/>; raises <paramref name="seen"/> to the aligned capacity of each hole passed over.</summary>
    /// <returns>The hole, or <see cref="HoleArena.Nil"/>.</returns>
    private int FirstFit(Hole[] items, int root, ulong minSize, ulong size, ulong alignment, ref ulong seen)
    {
        // In-order walk: _path holds the holes still to visit, each above the ones pushed after it.
        int depth = PushLeftSpine(items, root, minSize, 0);
        while (depth > 0)
        {
            int hole = _path[--depth];
            ulong capacity = BestFitUnits.AlignedCapacity(items[hole].Start, items[hole].Size, alignment);
            if (capacity >= size)
                return hole;
            if (capacity > seen)
                seen = capacity;
            depth = PushLeftSpine(items, items[hole].Right, 0, depth);
        }
        return HoleArena.Nil;
    }

    /// <summary>The link a <see cref="_foundLink"/> encodes: a tree's root or a child field of a hole.</summary>
    private ref int Link(Hole[] items, long link)
    {
        if (link < 0)
            return ref _roots[(int)(-1 - link)];
        ref Hole parent = ref items[(int)(link >> 1)];
        return ref (link & 1) == 0 ? ref parent.Left : ref parent.Right;
    }

    /// <summary>Starts tracking an alignment: takes the next slot and sets each class's bound to the exact maximum
    /// aligned capacity of its holes. O(n); once per alignment in the allocator's life.</summary>
    /// <param name="alignmentLog">log2 of an alignment above the granule, not yet tracked.</param>
    /// <returns>The alignment's slot.</returns>
    private int Track(int alignmentLog)
    {
        int slot = _trackedCount++;
        _trackedAlignmentLogs[slot] = alignmentLog;
        _slotOfAlignmentLog[alignmentLog] = slot;
        Array.Resize(ref _capacityBounds, _trackedCount * ClassCount);
        Array.Resize(ref _capacityCounts, _trackedCount * ExactClasses * 64);
        Array.Resize(ref _capacityMasks, _trackedCount * ExactClasses);
        Hole[] items = _arena.Items;
        ulong alignment = 1UL << alignmentLog;
        for (int tree = 0; tree < TreeCount; tree++)
        {
            int depth = PushLeftSpine(items, _roots[tree], 0, 0);
            while (depth > 0)
            {
                int hole = _path[--depth];
                CountCapacity(slot, alignment, items[hole].Start, items[hole].Size, ClassOf(items[hole].Size), +1);
                depth = PushLeftSpine(items, items[hole].Right, 0, depth);
            }
        }
        return slot;
    }

    /// <summary>Counts a hole entering (<paramref name="delta"/> +1) or leaving (-1) a class in the capacity bounds
    /// of every tracked alignment.</summary>
    private void CountCapacities(ulong start, ulong size, int sizeClass, int delta)
    {
        for (int slot = 0; slot < _trackedCount; slot++)
            CountCapacity(slot, 1UL << _trackedAlignmentLogs[slot], start, size, sizeClass, delta);
    }

    /// <summary>Counts a hole entering (<paramref name="delta"/> +1) or leaving (-1) a class in the capacity bound of
    /// one tracked alignment: in an exact class, its capacity's count and mask bit; in a wide class, entering raises
    /// the lazy bound, and leaving resets it to 0 once the class is empty.</summary>
    private void CountCapacity(int slot, ulong alignment, ulong start, ulong size, int sizeClass, int delta)
    {
        ulong capacity = BestFitUnits.AlignedCapacity(start, size, alignment);
        if (sizeClass < ExactClasses)
        {
            int granules = (int)(capacity >> _granuleShift);
            int mask = (slot * ExactClasses) + sizeClass;
            int count = _capacityCounts[(mask * 64) + granules] += delta;
            if (count == 0)
                _capacityMasks[mask] &= ~(1UL << granules);
            else if (count == 1 && delta > 0)
                _capacityMasks[mask] |= 1UL << granules;
        }
        else if (delta > 0)
        {
            ref ulong bound = ref _capacityBounds[(slot * ClassCount) + sizeClass];
            if (capacity > bound)
                bound = capacity;
        }
        else if (_roots[sizeClass] == HoleArena.Nil)
        {
            _capacityBounds[(slot * ClassCount) + sizeClass] = 0;
        }
    }

    /// <summary>The size class of a byte count.</summary>
    private int ClassOf(ulong size)
    {
        Debug.Assert(size >> _granuleShift > 0);
        return BestFitUnits.SizeClass(size >> _granuleShift);
    }

    /// <summary>The treap a hole of class <paramref name="sizeClass"/> starting at <paramref name="start"/> belongs in.</summary>
    private int TreeOf(ulong start, int sizeClass) =>
        sizeClass < ExactClasses ? ClassCount + (sizeClass * Ranges) + (int)((start - _regionStart) >> _rangeShift) : sizeClass;

    /// <summary>Pushes onto <see cref="_path"/> the holes of the subtree at <paramref name="node"/> that are at least
    /// <paramref name="minSize"/> bytes and have no such hole to their left: the next holes of an in-order walk.</summary>
    /// <returns>The new depth of the path.</returns>
    private int PushLeftSpine(Hole[] items, int node, ulong minSize, int depth)
    {
        while (node != HoleArena.Nil)
        {
            if (items[node].Size >= minSize)
            {
                if (depth == _path.Length)
                    Array.Resize(ref _path, depth * 2);
                _path[depth++] = node;
                node = items[node].Left;
            }
            else
            {
                node = items[node].Right;
            }
        }
        return depth;
    }

    /// <summary>The first non-empty class at or above <paramref name="sizeClass"/>, or -1.</summary>
    private int NextNonEmpty(int sizeClass)
    {
        if (sizeClass >= ClassCount)
            return -1;
        int word = sizeClass >> 6;
        ulong bits = _nonEmpty[word] & (ulong.MaxValue << sizeClass);
        if (bits != 0)
            return (word << 6) + BitOperations.TrailingZeroCount(bits);
        ulong words = _nonEmptyWords & ~((2UL << word) - 1);
        if (words == 0)
            return -1;
        word = BitOperations.TrailingZeroCount(words);
        return (word << 6) + BitOperations.TrailingZeroCount(_nonEmpty[word]);
    }
}
