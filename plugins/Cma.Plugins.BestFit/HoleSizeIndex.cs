using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// Orders the holes by (size, start) for the best-fit search. Holes fall into TLSF-like size classes (16 per
/// power of two of the granule count, see <see cref="BestFitUnits.SizeClass"/>); each class is a treap kept in
/// the <see cref="HoleArena"/> slots, and a two-level bitmap of non-empty classes finds the next class up with
/// two bit scans. Walking the classes upwards and each treap in order visits every hole in ascending
/// (size, start) order, which is exactly the order best fit must try them in.
/// </summary>
internal sealed class HoleSizeIndex
{
    /// <summary>Number of size classes: 16 bitmap words of 64 bits; the largest class a size can have is 975.</summary>
    public const int ClassCount = 1024;

    /// <summary>The holes this index orders.</summary>
    private readonly HoleArena _arena;

    /// <summary>log2 of the region's granule: a size's granule count is <c>size &gt;&gt; _granuleShift</c>.</summary>
    private readonly int _granuleShift;

    /// <summary>Treap root per size class, or <see cref="HoleArena.Nil"/> when the class holds no hole.</summary>
    private readonly int[] _roots;

    /// <summary>Bit <c>c % 64</c> of word <c>c / 64</c> is set exactly when class <c>c</c> holds a hole.</summary>
    private readonly ulong[] _nonEmpty = new ulong[ClassCount / 64];

    /// <summary>Bit <c>w</c> is set exactly when <c>_nonEmpty[w]</c> is not zero.</summary>
    private ulong _nonEmptyWords;

    /// <summary>The stack of an in-order walk in <see cref="FindBestFit"/>; grows (rarely) with the deepest treap.</summary>
    private int[] _path = new int[64];

    /// <summary>xorshift32 state for treap priorities; never zero. Fixed seed: placement is deterministic.</summary>
    private uint _random = 2463534242;

    /// <summary>Creates an empty index.</summary>
    /// <param name="arena">Where the holes live.</param>
    /// <param name="granuleShift">log2 of the region's granule.</param>
    public HoleSizeIndex(HoleArena arena, int granuleShift)
    {
        _arena = arena;
        _granuleShift = granuleShift;
        _roots = new int[ClassCount];
        Array.Fill(_roots, HoleArena.Nil);
    }

    /// <summary>Bytes of managed memory held by the class tables (constant).</summary>
    public static long FootprintBytes => ClassCount * sizeof(int) + ClassCount / 8;

    /// <summary>Adds a hole under its current size and start.</summary>
    /// <param name="hole">A hole not in this index.</param>
    public void Insert(int hole)
    {
        Hole[] items = _arena.Items;
        int sizeClass = ClassOf(items[hole].Size);
        _random ^= _random << 13;
        _random ^= _random >> 17;
        _random ^= _random << 5;
        items[hole].Priority = _random;
        items[hole].Left = HoleArena.Nil;
        items[hole].Right = HoleArena.Nil;
        Treap.Insert(items, ref _roots[sizeClass], hole);
        _nonEmpty[sizeClass >> 6] |= 1UL << sizeClass;
        _nonEmptyWords |= 1UL << (sizeClass >> 6);
    }

    /// <summary>Removes a hole; call it before the hole's size or start changes.</summary>
    /// <param name="hole">A hole in this index.</param>
    public void Remove(int hole)
    {
        Hole[] items = _arena.Items;
        int sizeClass = ClassOf(items[hole].Size);
        Treap.Remove(items, ref _roots[sizeClass], hole);
        if (_roots[sizeClass] == HoleArena.Nil)
        {
            ulong word = _nonEmpty[sizeClass >> 6] &= ~(1UL << sizeClass);
            if (word == 0)
                _nonEmptyWords &= ~(1UL << (sizeClass >> 6));
        }
    }

    /// <summary>The best fit: the first hole in ascending (size, start) order that holds <paramref name="size"/>
    /// bytes at a multiple of <paramref name="alignment"/>.</summary>
    /// <param name="size">Bytes wanted; a positive multiple of the granule.</param>
    /// <param name="alignment">A power of two, at least the granule.</param>
    /// <param name="padding">Bytes from the hole's start to the first aligned address.</param>
    /// <returns>The hole, or <see cref="HoleArena.Nil"/> when none fits.</returns>
    public int FindBestFit(ulong size, ulong alignment, out ulong padding)
    {
        Hole[] items = _arena.Items;
        ulong minSize = size; // only the first class can hold holes smaller than the request
        for (int sizeClass = NextNonEmpty(ClassOf(size)); sizeClass >= 0; sizeClass = NextNonEmpty(sizeClass + 1))
        {
            // In-order walk of the class's treap from the first hole of at least minSize bytes; _path holds the
            // holes still to visit, each above the ones pushed after it.
            int depth = PushLeftSpine(items, _roots[sizeClass], minSize, 0);
            while (depth > 0)
            {
                int hole = _path[--depth];
                padding = BestFitUnits.AlignPadding(items[hole].Start, alignment);
                if (BestFitUnits.Holds(items[hole].Size, padding, size))
                    return hole;
                depth = PushLeftSpine(items, items[hole].Right, 0, depth);
            }
            minSize = 0;
        }
        padding = 0;
        return HoleArena.Nil;
    }

    /// <summary>The size of the largest hole, or 0 when there is none. O(log n).</summary>
    public ulong LargestSize()
    {
        if (_nonEmptyWords == 0)
            return 0;
        int word = 63 - BitOperations.LeadingZeroCount(_nonEmptyWords);
        int sizeClass = (word << 6) + 63 - BitOperations.LeadingZeroCount(_nonEmpty[word]);
        return _arena.Items[Treap.Last(_arena.Items, _roots[sizeClass])].Size;
    }

    /// <summary>Checks every treap (order, heap, class, bitmap) and lists its holes into <paramref name="holes"/>.
    /// O(n); for the periodic Debug audit.</summary>
    /// <param name="holes">Receives every indexed hole.</param>
    /// <exception cref="InvalidOperationException">An invariant is broken.</exception>
    public void Audit(List<int> holes)
    {
        Hole[] items = _arena.Items;
        for (int sizeClass = 0; sizeClass < ClassCount; sizeClass++)
        {
            bool bit = (_nonEmpty[sizeClass >> 6] & (1UL << sizeClass)) != 0;
            bool wordBit = (_nonEmptyWords & (1UL << (sizeClass >> 6))) != 0;
            if (bit != (_roots[sizeClass] != HoleArena.Nil) || (bit && !wordBit))
                throw new InvalidOperationException($"best-fit size class {sizeClass}: bitmap disagrees with its treap.");
            int first = holes.Count;
            Treap.Audit(items, _roots[sizeClass], holes);
            for (int i = first; i < holes.Count; i++)
            {
                if (ClassOf(items[holes[i]].Size) != sizeClass)
                    throw new InvalidOperationException($"best-fit hole of {items[holes[i]].Size} bytes is in size class {sizeClass}.");
            }
        }
        for (int word = 0; word < _nonEmpty.Length; word++)
        {
            if ((_nonEmpty[word] != 0) != ((_nonEmptyWords & (1UL << word)) != 0))
                throw new InvalidOperationException($"best-fit class bitmap summary bit {word} is wrong.");
        }
    }

    /// <summary>The size class of a byte count.</summary>
    private int ClassOf(ulong size)
    {
        Debug.Assert(size >> _granuleShift > 0);
        return BestFitUnits.SizeClass(size >> _granuleShift);
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
