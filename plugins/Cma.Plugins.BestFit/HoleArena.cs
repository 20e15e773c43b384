using System.Diagnostics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// The storage of every hole: an array of <see cref="Hole"/> structs addressed by index, with a free list of
/// unused slots threaded through <see cref="Hole.Left"/>. Grows by doubling, so renting a slot allocates no
/// managed memory in steady state. Indexes (not references) name holes, because growth moves the array.
/// </summary>
internal sealed class HoleArena : IStartOrderedRanges
{
    /// <summary>The index that names no hole (an empty treap, a missing neighbour).</summary>
    public const int Nil = -1;

    /// <summary>Slots in use and free slots; read through <see cref="Items"/> after any <see cref="Rent"/>.</summary>
    private Hole[] _items;

    /// <summary>The first free slot below <see cref="_used"/>, or <see cref="Nil"/>; the list never holds a slot twice.</summary>
    private int _firstFree = Nil;

    /// <summary>Slots ever handed out: every index at or above it is free and not on the free list.</summary>
    private int _used;

    /// <summary>Holes rented and not yet returned.</summary>
    private int _count;

    /// <summary>Creates an arena with room for <paramref name="capacity"/> holes before it first grows.</summary>
    /// <param name="capacity">Initial number of slots; positive.</param>
    public HoleArena(int capacity) => _items = new Hole[capacity];

    /// <summary>The slot array; valid until the next <see cref="Rent"/>.</summary>
    public Hole[] Items => _items;

    /// <summary>Holes rented and not yet returned.</summary>
    public int Count => _count;

    /// <summary>Takes a free slot for a new hole, growing the array when none is left.</summary>
    /// <param name="start">The hole's start address.</param>
    /// <param name="size">The hole's size in bytes.</param>
    /// <returns>The slot's index.</returns>
    public int Rent(ulong start, ulong size)
    {
        int index = _firstFree;
        if (index != Nil)
        {
            _firstFree = _items[index].Left;
        }
        else
        {
            if (_used == _items.Length)
                Array.Resize(ref _items, _items.Length * 2);
            index = _used++;
        }
        _count++;
        ref Hole hole = ref _items[index];
        hole.Start = start;
        hole.Size = size;
        hole.Left = Nil;
        hole.Right = Nil;
        return index;
    }

    /// <summary>Gives a slot back; its hole must already be out of every index.</summary>
    /// <param name="index">A rented slot.</param>
    public void Return(int index)
    {
        ref Hole hole = ref _items[index];
        hole.Size = 0; // marks the slot free for the audit
        hole.Left = _firstFree;
        _firstFree = index;
        _count--;
    }

    /// <inheritdoc/>
    int IStartOrderedRanges.RangeCount => _count;

    /// <inheritdoc/>
    ulong IStartOrderedRanges.StartOf(int slot) => _items[slot].Start;

    /// <inheritdoc/>
    ulong IStartOrderedRanges.EndOf(int slot) => _items[slot].End;

    /// <inheritdoc/>
    bool IStartOrderedRanges.IsLive(int slot) => _items[slot].Size != 0;

    /// <inheritdoc/>
    int IStartOrderedRanges.CopyLiveSlots(Span<int> slots)
    {
        int n = 0;
        for (int i = 0; i < _items.Length; i++)
        {
            if (_items[i].Size != 0)
                slots[n++] = i;
        }
        Debug.Assert(n == slots.Length, "every rented slot holds a hole and every free slot has size 0");
        return _items.Length;
    }

    /// <inheritdoc/>
    string IStartOrderedRanges.Corrupt => "best-fit free space is corrupt";
}
