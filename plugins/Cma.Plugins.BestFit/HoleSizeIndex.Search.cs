using System.Diagnostics;

namespace Cma.Plugins.BestFit;

/// <summary>The searches of the size index: the granule-aligned one (which remembers a wide-class hole's link), the
/// aligned one (which skips classes by their capacity bounds), and the in-order walks they share with alignment
/// tracking.</summary>
internal sealed partial class HoleSizeIndex
{
    /// <summary>The best fit for an alignment above the granule, tracked in <paramref name="slot"/>: walks the
    /// non-empty classes upwards, skipping each whose capacity bound is below the request, and tries the holes of the
    /// others in order; a class passed over in full gets its bound lowered to the largest capacity seen. The small
    /// classes are compared in one vector step, the exact classes that can fail in steps of 16.</summary>
    /// <returns>The hole, or <see cref="HoleArena.Nil"/>.</returns>
    private int FindAligned(ulong size, ulong alignment, int slot)
    {
        Hole[] items = _arena.Items;
        int firstClass = ClassOf(size);
        int fromClass = firstClass;
        int hole;
        ulong seen;
        if (firstClass < AlignedCapacityBounds.SmallClasses)
        {
            // The small classes' bounds are exact: the first that holds the request is the fit's class (a walk
            // that cannot fail); when none does, the search goes on above them.
            int smallClass = _bounds.FirstSmallHolding(slot, firstClass, firstClass);
            if (smallClass >= 0)
            {
                seen = 0;
                hole = FirstFitInList(items, _roots[smallClass], size, alignment, ref seen);
                Debug.Assert(hole != HoleArena.Nil, "a small class's capacity bound is exact");
                return hole;
            }
            fromClass = AlignedCapacityBounds.SmallClasses;
        }
        if (fromClass < ExactClasses)
        {
            // Every hole of an exact class from `sure` on holds the request (its padding is below the alignment), so
            // only the classes below it can fail: their lazy bounds are compared in vector steps. In a class that may
            // hold the request, every hole is as good as any other (one size): the first that holds it is taken.
            ulong sure = (size + alignment - _granule) >> _granuleShift;
            int scanTo = sure < ExactClasses ? (int)sure : ExactClasses;
            int request = (int)(size >> _granuleShift);
            for (int sizeClass = fromClass; sizeClass < scanTo; sizeClass++)
            {
                sizeClass = _bounds.FirstExactMayHold(slot, sizeClass, scanTo, request);
                if (sizeClass < 0)
                    break;
                seen = 0;
                hole = FirstFitInList(items, _roots[sizeClass], size, alignment, ref seen);
                if (hole != HoleArena.Nil)
                    return hole;
                _bounds.LowerExact(slot, sizeClass, seen); // every hole was passed over: the exact maximum
            }
            fromClass = Math.Max(fromClass, scanTo);
        }
        for (int sizeClass = _classes.NextAtOrAbove(fromClass); sizeClass >= 0; sizeClass = _classes.NextAtOrAbove(sizeClass + 1))
        {
            if (sizeClass < ExactClasses)
                return _roots[sizeClass]; // at or above `sure`: its first hole holds the request
            ref ulong bound = ref _bounds.Bound(slot, sizeClass);
            if (bound < size)
                continue;
            // Only the first class holds holes smaller than the request, and their capacity is below it.
            bool first = sizeClass == firstClass;
            seen = first ? size - _granule : 0;
            hole = FirstFit(items, _roots[sizeClass], first ? size : 0, size, alignment, ref seen);
            if (hole != HoleArena.Nil)
                return hole;
            bound = seen; // every hole was passed over: the exact maximum (or size - granule, see above)
        }
        return HoleArena.Nil;
    }

    /// <summary>The first hole of at least <paramref name="size"/> bytes in size order: the best fit when the
    /// alignment is the granule, since every hole is granule-aligned. An exact class's head is taken as is; in a wide
    /// class, the hole is remembered with where it hangs, for <see cref="Remove"/>.</summary>
    /// <returns>The hole, or <see cref="HoleArena.Nil"/>.</returns>
    private int FindFirstAtLeast(ulong size)
    {
        int sizeClass = _classes.NextAtOrAbove(ClassOf(size));
        if (sizeClass < ExactClasses)
        {
            // Every hole of an exact class at or above the request's class is large enough, and all have one size.
            return sizeClass < 0 ? HoleArena.Nil : _roots[sizeClass];
        }
        Hole[] items = _arena.Items;
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
        sizeClass = _classes.NextAtOrAbove(sizeClass + 1);
        return sizeClass < 0 ? (_foundHole = HoleArena.Nil) : FirstOf(items, sizeClass);
    }

    /// <summary>The first hole of a non-empty wide class's treap, remembered with its link for <see cref="Remove"/>.</summary>
    private int FirstOf(Hole[] items, int sizeClass)
    {
        _foundLink = -1 - sizeClass;
        int node = _roots[sizeClass];
        while (items[node].Left != HoleArena.Nil)
        {
            _foundLink = node * 2L;
            node = items[node].Left;
        }
        return _foundHole = node;
    }

    /// <summary>The link a <see cref="_foundLink"/> encodes: a treap's root or a child field of a hole.</summary>
    private ref int Link(Hole[] items, long link)
    {
        if (link < 0)
            return ref _roots[(int)(-1 - link)];
        ref Hole parent = ref items[(int)(link >> 1)];
        return ref (link & 1) == 0 ? ref parent.Left : ref parent.Right;
    }

    /// <summary>The first hole of the list at <paramref name="head"/> that holds <paramref name="size"/> bytes at a
    /// multiple of <paramref name="alignment"/>; raises <paramref name="seen"/> to the aligned capacity of each hole
    /// passed over.</summary>
    /// <returns>The hole, or <see cref="HoleArena.Nil"/>.</returns>
    private static int FirstFitInList(Hole[] items, int head, ulong size, ulong alignment, ref ulong seen)
    {
        for (int hole = head; hole != HoleArena.Nil; hole = items[hole].Right)
        {
            ulong capacity = BestFitUnits.AlignedCapacity(items[hole].Start, items[hole].Size, alignment);
            if (capacity >= size)
                return hole;
            if (capacity > seen)
                seen = capacity;
        }
        return HoleArena.Nil;
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

    /// <summary>Starts tracking an alignment: takes the next slot and raises each class's bound over every hole of the
    /// class, which sets it to the exact maximum aligned capacity. O(n); once per alignment in the allocator's life.</summary>
    /// <param name="alignmentLog">log2 of an alignment above the granule, not yet tracked.</param>
    /// <returns>The alignment's slot.</returns>
    private int Track(int alignmentLog)
    {
        int slot = _bounds.Track(alignmentLog);
        Hole[] items = _arena.Items;
        for (int sizeClass = _classes.NextAtOrAbove(0); sizeClass >= 0; sizeClass = _classes.NextAtOrAbove(sizeClass + 1))
        {
            if (sizeClass < ExactClasses)
            {
                for (int hole = _roots[sizeClass]; hole != HoleArena.Nil; hole = items[hole].Right)   // the class's list
                    _bounds.Count(slot, items[hole].Start, items[hole].Size, sizeClass, +1);
                continue;
            }
            for (int depth = PushLeftSpine(items, _roots[sizeClass], 0, 0); depth > 0;)   // the class's treap, in order
            {
                int hole = _path[--depth];
                _bounds.Count(slot, items[hole].Start, items[hole].Size, sizeClass, +1);
                depth = PushLeftSpine(items, items[hole].Right, 0, depth);
            }
        }
        return slot;
    }

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
}
