using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.Buddy;

/// <summary>
/// An open-addressing hash map from the start index of a free block to its order and its node's slot in
/// <see cref="FreeBlockSet"/>, and back from a slot to its entry's position (so that the head of a list is removed
/// without hashing its index again): linear probing, Fibonacci hashing, backward-shift deletion (no tombstones).
/// The table is kept sparse — at most 1/8 full while it has at most <see cref="SparseLength"/> entries, at most 1/2
/// beyond — because almost every look-up and insert then ends at its home entry, so the probe loops' branches are
/// predictable; a mispredicted branch that waits on the caller's data (a cache miss at 1M live chunks) costs far more
/// than the extra table memory. Memory is proportional to the number of free blocks, never to the region's size.
/// </summary>
internal sealed class BlockIndexMap
{
    /// <summary>Fibonacci hashing multiplier: 2^64 / golden ratio, odd.</summary>
    private const ulong FibonacciMultiplier = 0x9E3779B97F4A7C15UL;

    /// <summary>The largest table kept at most 1/8 full (1 MiB of entries); a larger one is kept at most 1/2 full.</summary>
    private const int SparseLength = 1 << 16;

    /// <summary>The table; a power-of-two length; an entry with <see cref="Entry.SlotPlusOne"/> 0 is empty, and
    /// every key sits in the unbroken probe run that starts at its home position.</summary>
    private Entry[] _entries;

    /// <summary>Per slot, the position of its entry in <see cref="_entries"/> (meaningful only for slots in the map).</summary>
    private int[] _positions;

    /// <summary>64 − log2(<c>_entries.Length</c>): the shift that turns a hashed key into a home position.</summary>
    private int _shift;

    /// <summary>The most keys the table may hold before it grows (see <see cref="Holds"/>).</summary>
    private int _limit;

    /// <summary>Number of non-empty entries; at most 1/8 of <c>_entries.Length</c> up to <see cref="SparseLength"/>
    /// entries, at most half beyond.</summary>
    private int _count;

    /// <summary>Creates an empty map with room for <paramref name="capacity"/> keys before it grows.</summary>
    public BlockIndexMap(int capacity)
    {
        int length = 16;
        while (!Holds(length, capacity))
            length *= 2;
        _entries = new Entry[length];
        _limit = Limit(length);
        _positions = new int[Math.Max(8, capacity)];
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

    /// <summary>The position of the entry of <paramref name="slot"/>, which must be in the map.</summary>
    public int PositionOf(int slot)
    {
        Debug.Assert(_entries[_positions[slot]].SlotPlusOne == slot + 1);
        return _positions[slot];
    }

    /// <summary>The position recorded for <paramref name="slot"/>, unchecked (for consistency checks).</summary>
    public int StoredPositionOf(int slot) => slot < _positions.Length ? _positions[slot] : -1;

    /// <summary>The slot stored at a position <see cref="Find"/> returned.</summary>
    public int SlotAt(int position) => _entries[position].SlotPlusOne - 1;

    /// <summary>The block order stored at a position <see cref="Find"/> returned.</summary>
    public int OrderAt(int position) => _entries[position].Order;

    /// <summary>Adds <paramref name="key"/> → (<paramref name="slot"/>, <paramref name="order"/>); false (and no
    /// change) if the key is present.</summary>
    public bool TryAdd(ulong key, int slot, int order)
    {
        Debug.Assert(slot >= 0);
        if (_count == _limit)
            Grow();
        if (slot >= _positions.Length)
            Array.Resize(ref _positions, Math.Max(slot + 1, _positions.Length * 2));
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
        _positions[slot] = i;
        _count++;
        return true;
    }

    /// <summary>Removes the entry at <paramref name="position"/>, shifting later entries of its probe run back so
    /// that no lookup needs tombstones (and recording their new positions). An entry at j moves to the hole i unless
    /// its home lies in (i, j].</summary>
    public void RemoveAt(int position)
    {
        Entry[] entries = _entries;
        Debug.Assert(entries[position].SlotPlusOne != 0);
        if (entries[(position + 1) & (entries.Length - 1)].SlotPlusOne == 0)
        {
            // The usual case in a sparse table: the run ends here, nothing to shift.
            entries[position] = default;
            _count--;
            return;
        }
        ShiftBack(position);
    }

    /// <summary>Empties the entry at <paramref name="position"/>, whose successor is occupied, by shifting later
    /// entries of its probe run back (see <see cref="RemoveAt"/>).</summary>
    private void ShiftBack(int position)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
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
                _positions[entries[j].SlotPlusOne - 1] = hole;
                hole = j;
            }
        }
        entries[hole] = default;
        _count--;
    }

    /// <summary>Whether a table of <paramref name="length"/> entries may hold <paramref name="count"/> keys: at most
    /// 1/8 full up to <see cref="SparseLength"/> entries, at most 1/2 beyond.</summary>
    private static bool Holds(int length, int count) => count <= Limit(length);

    /// <summary>The most keys a table of <paramref name="length"/> entries may hold: length / 8 up to
    /// <see cref="SparseLength"/> entries, length / 2 beyond.</summary>
    private static int Limit(int length) => length <= SparseLength ? length / 8 : length / 2;

    /// <summary>The home position of a key: the top bits of key × 2^64/φ, which spreads aligned indexes evenly.</summary>
    private int Home(ulong key) => (int)((key * FibonacciMultiplier) >> _shift);

    /// <summary>Doubles the table and re-inserts every entry, recording the new positions.</summary>
    private void Grow()
    {
        Entry[] old = _entries;
        _entries = new Entry[old.Length * 2];
        _limit = Limit(_entries.Length);
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
            _positions[e.SlotPlusOne - 1] = i;
        }
    }

    /// <summary>One table entry (16 bytes): a free block's start index, its slot + 1 (0 marks an empty entry) and
    /// its order, kept here so that a buddy of the wrong order is rejected at once.</summary>
    private readonly record struct Entry(ulong Key, int SlotPlusOne, int Order);
}
