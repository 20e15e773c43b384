using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.Buddy;

/// <summary>
/// An open-addressing hash map from the start index of a free block to its order and its node's slot in
/// <see cref="FreeBlockSet"/>:
/// linear probing, Fibonacci hashing, backward-shift deletion (no tombstones), load factor at most 1/2.
/// Memory is proportional to the number of free blocks, never to the region's size.
/// </summary>
internal sealed class BlockIndexMap
{
    /// <summary>Fibonacci hashing multiplier: 2^64 / golden ratio, odd.</summary>
    private const ulong FibonacciMultiplier = 0x9E3779B97F4A7C15UL;

    /// <summary>The table; a power-of-two length; an entry with <see cref="Entry.SlotPlusOne"/> 0 is empty, and
    /// every key sits in the unbroken probe run that starts at its home position.</summary>
    private Entry[] _entries;

    /// <summary>64 − log2(<c>_entries.Length</c>): the shift that turns a hashed key into a home position.</summary>
    private int _shift;

    /// <summary>Number of non-empty entries; at most half of <c>_entries.Length</c>.</summary>
    private int _count;

    /// <summary>Creates an empty map with room for <paramref name="capacity"/> keys before it grows.</summary>
    public BlockIndexMap(int capacity)
    {
        int length = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
        _entries = new Entry[length];
        _shift = 64 - BitOperations.Log2((uint)length);
    }

    /// <summary>Number of keys held.</summary>
    public int Count => _count;

    /// <summary>The position of <paramref name="key"/> in the table, or −1 when absent.</summary>
    public int Find(ulong key)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int i = Home(key);
        while (true)
        {
            ref Entry e = ref entries[i];
            if (e.SlotPlusOne == 0)
                return -1;
            if (e.Key == key)
                return i;
            i = (i + 1) & mask;
        }
    }

    /// <summary>The slot stored at a position <see cref="Find"/> returned.</summary>
    public int SlotAt(int position) => _entries[position].SlotPlusOne - 1;

    /// <summary>The block order stored at a position <see cref="Find"/> returned.</summary>
    public int OrderAt(int position) => _entries[position].Order;

    /// <summary>Adds <paramref name="key"/> → (<paramref name="slot"/>, <paramref name="order"/>); false (and no
    /// change) if the key is present.</summary>
    public bool TryAdd(ulong key, int slot, int order)
    {
        Debug.Assert(slot >= 0);
        if ((_count + 1) * 2 > _entries.Length)
            Grow();
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int i = Home(key);
        while (entries[i].SlotPlusOne != 0)
        {
            if (entries[i].Key == key)
                return false;
            i = (i + 1) & mask;
        }
        entries[i] = new Entry(key, slot + 1, order);
        _count++;
        return true;
    }

    /// <summary>Removes the entry at <paramref name="position"/>, shifting later entries of its probe run back so
    /// that no lookup needs tombstones. An entry at j moves to the hole i unless its home lies in (i, j].</summary>
    public void RemoveAt(int position)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        Debug.Assert(entries[position].SlotPlusOne != 0);
        int hole = position;
        int j = position;
        while (true)
        {
            j = (j + 1) & mask;
            if (entries[j].SlotPlusOne == 0)
                break;
            int home = Home(entries[j].Key);
            if (((j - home) & mask) >= ((j - hole) & mask))
            {
                entries[hole] = entries[j];
                hole = j;
            }
        }
        entries[hole] = default;
        _count--;
    }

    /// <summary>The home position of a key: the top bits of key × 2^64/φ, which spreads aligned indexes evenly.</summary>
    private int Home(ulong key) => (int)((key * FibonacciMultiplier) >> _shift);

    /// <summary>Doubles the table and re-inserts every entry.</summary>
    private void Grow()
    {
        Entry[] old = _entries;
        _entries = new Entry[old.Length * 2];
        _shift--;
        int mask = _entries.Length - 1;
        foreach (Entry e in old)
        {
            if (e.SlotPlusOne == 0)
                continue;
            int i = Home(e.Key);
            while (_entries[i].SlotPlusOne != 0)
                i = (i + 1) & mask;
            _entries[i] = e;
        }
    }

    /// <summary>One table entry (16 bytes): a free block's start index, its slot + 1 (0 marks an empty entry) and
    /// its order, kept here so that a buddy of the wrong order is rejected at once.</summary>
    private readonly record struct Entry(ulong Key, int SlotPlusOne, int Order);
}
