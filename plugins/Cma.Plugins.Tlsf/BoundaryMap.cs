using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.Tlsf;

/// <summary>
/// An open-addressing hash map from a boundary of a free block — its start or its end granule index — to the block's
/// slot: linear probing, Fibonacci hashing, backward-shift deletion (no tombstones). Free blocks never touch (a free
/// always merges), so no two blocks share a boundary and one map holds both ends of every block: the block ending
/// where a freed chunk starts and the block starting where it ends are one look-up each. The table is kept at most a
/// quarter full, so almost every probe ends at its home entry. Memory is proportional to the number of free blocks,
/// never to the region's size.
/// </summary>
internal sealed class BoundaryMap
{
    /// <summary>Fibonacci hashing multiplier: 2^64 / golden ratio, odd.</summary>
    private const ulong FibonacciMultiplier = 0x9E3779B97F4A7C15UL;

    /// <summary>The smallest table.</summary>
    private const int MinLength = 64;

    /// <summary>The table; a power-of-two length; an entry with <see cref="Entry.SlotPlusOne"/> 0 is empty, and every
    /// key sits in the unbroken probe run that starts at its home position.</summary>
    private Entry[] _entries;

    /// <summary>64 − log2(<c>_entries.Length</c>): the shift that turns a hashed key into a home position.</summary>
    private int _shift;

    /// <summary>Number of keys held; at most a quarter of <c>_entries.Length</c>.</summary>
    private int _count;

    /// <summary>Creates an empty map with room for <paramref name="capacity"/> keys before it grows.</summary>
    public BoundaryMap(int capacity)
    {
        int length = MinLength;
        while (length / 4 < capacity)
            length *= 2;
        _entries = new Entry[length];
        _shift = 64 - BitOperations.Log2((uint)length);
    }

    /// <summary>Number of keys held (two per free block).</summary>
    public int Count => _count;

    /// <summary>The slot of the block that starts or ends at <paramref name="key"/>, or <see cref="FreeLists.None"/>.</summary>
    public int Find(ulong key)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int i = Home(key);
        while (true)
        {
            ref Entry e = ref entries[i];
            if (e.SlotPlusOne == 0)
                return FreeLists.None;
            if (e.Key == key)
                return e.SlotPlusOne - 1;
            i = (i + 1) & mask;
        }
    }

    /// <summary>Adds <paramref name="key"/> → <paramref name="slot"/>.</summary>
    /// <exception cref="InvalidOperationException">The key is present: two free blocks would share a boundary.</exception>
    public void Add(ulong key, int slot)
    {
        Debug.Assert(slot >= 0);
        if (_count >= _entries.Length / 4)
            Grow();
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int i = Home(key);
        while (entries[i].SlotPlusOne != 0)
        {
            if (entries[i].Key == key)
                throw TlsfAllocator.Corrupt($"two free blocks meet at granule index 0x{key:X} (double free?)");
            i = (i + 1) & mask;
        }
        entries[i] = new Entry(key, slot + 1);
        _count++;
    }

    /// <summary>Points the present <paramref name="key"/> at <paramref name="slot"/> (a block that took over another's end).</summary>
    public void Replace(ulong key, int slot)
    {
        int i = PositionOf(key);
        _entries[i] = new Entry(key, slot + 1);
    }

    /// <summary>Removes the present <paramref name="key"/>, shifting later entries of its probe run back so that no
    /// look-up needs tombstones. An entry at j moves to the hole h unless its home lies in (h, j].</summary>
    public void Remove(ulong key)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int hole = PositionOf(key);
        int j = hole;
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

    /// <summary>The position of the present <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException">The key is absent: the allocator's records are corrupt.</exception>
    private int PositionOf(ulong key)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int i = Home(key);
        while (true)
        {
            ref Entry e = ref entries[i];
            if (e.SlotPlusOne == 0)
                throw TlsfAllocator.Corrupt($"no free block starts or ends at granule index 0x{key:X}");
            if (e.Key == key)
                return i;
            i = (i + 1) & mask;
        }
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

    /// <summary>One table entry (16 bytes): a boundary granule index and the slot + 1 of its block (0 marks an empty
    /// entry).</summary>
    private readonly record struct Entry(ulong Key, int SlotPlusOne);
}
