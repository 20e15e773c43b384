using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Plugins.Tlsf;

/// <summary>
/// An open-addressing hash index of the boundaries of the free blocks — each block's start and its end granule
/// index — that finds the block with a given boundary: linear probing, Fibonacci hashing, backward-shift deletion (no
/// tombstones). Free blocks never touch (a free always merges), so no two blocks share a boundary and one table holds
/// both ends of every block: the block ending where a freed chunk starts and the block starting where it ends are one
/// look-up each.
/// <para>An entry is 8 bytes: the top 32 bits of the key's hash and the block's slot with which end. The key itself is
/// the block record's <see cref="FreeBlock.Start"/> or <see cref="FreeBlock.End"/>, read only when the hash bits match
/// (the caller of a look-up reads that record next anyway), and the record keeps its two entries' positions, so
/// removing a boundary needs no look-up. Hence the caller's rule: add a boundary after the record holds it, remove it
/// before the record changes it. The table is kept sparse — at most 1/8 full up to <see cref="SparseLength"/> entries
/// (64 bytes per boundary), at most 1/4 beyond — so that almost every probe ends at its home entry and the probe loops'
/// branches are predictable; memory is proportional to the number of free blocks, never to the region's size.</para>
/// </summary>
internal sealed class BoundaryMap
{
    /// <summary>Fibonacci hashing multiplier: 2^64 / golden ratio, odd.</summary>
    private const ulong FibonacciMultiplier = 0x9E3779B97F4A7C15UL;

    /// <summary>The smallest table.</summary>
    private const int MinLength = 64;

    /// <summary>The largest table kept at most 1/8 full (512 KiB of entries); a larger one is kept at most 1/4 full.</summary>
    private const int SparseLength = 1 << 16;

    /// <summary>The block records: the keys and the entries' positions.</summary>
    private readonly FreeLists _lists;

    /// <summary>The table; a power-of-two length. Every boundary sits in the unbroken probe run that starts at its home
    /// position, and its record's <see cref="FreeBlock.StartEntry"/> or <see cref="FreeBlock.EndEntry"/> says where.</summary>
    private Entry[] _entries;

    /// <summary>32 − log2(<c>_entries.Length</c>): the shift that turns a 32-bit hash into a home position.</summary>
    private int _homeShift;

    /// <summary>Number of boundaries held; at most <see cref="_limit"/>.</summary>
    private int _count;

    /// <summary>The most boundaries the table may hold before it grows (see <see cref="Limit"/>).</summary>
    private int _limit;

    /// <summary>Creates an empty index over the records of <paramref name="lists"/>, with room for
    /// <paramref name="capacity"/> boundaries before it grows.</summary>
    public BoundaryMap(FreeLists lists, int capacity)
    {
        _lists = lists;
        int length = MinLength;
        while (Limit(length) < capacity)
            length *= 2;
        _entries = new Entry[length];
        _limit = Limit(length);
        _homeShift = 32 - BitOperations.Log2((uint)length);
    }

    /// <summary>Number of boundaries held (two per free block).</summary>
    public int Count => _count;

    /// <summary>The slot of the free block that starts or ends at <paramref name="key"/>, or <see cref="FreeLists.None"/>.</summary>
    public int Find(ulong key) => Find(key, out _);

    /// <summary>The slot of the free block that starts or ends at <paramref name="key"/>, or <see cref="FreeLists.None"/>
    /// and in <paramref name="vacancy"/> the empty entry the look-up stopped at: where <see cref="AddBoth"/> may add the
    /// key as long as nothing is added or removed in between.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong key, out int vacancy)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        uint hash = Hash(key);
        int i = (int)(hash >> _homeShift);
        while (true)
        {
            Entry e = entries[i];
            if (e.Tag == 0)
            {
                vacancy = i;
                return FreeLists.None;
            }
            if (e.Hash == hash && KeyOf(e.Tag) == key)
            {
                vacancy = -1;
                return SlotOf(e.Tag);
            }
            i = (i + 1) & mask;
        }
    }

    /// <summary>Adds both boundaries of the new block in <paramref name="slot"/> at the empty entries where
    /// <see cref="Find(ulong, out int)"/> of its start and of its end stopped, with nothing added or removed since,
    /// sparing both probes: adding one fills an entry but opens none, so the other's vacancy is still the first empty
    /// entry of its probe run, unless it is the same entry. If the table must grow first, both are probed for.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddBoth(int slot, int startVacancy, int endVacancy)
    {
        if (_count + 2 > _limit)
        {
            Add(slot, isEnd: false);
            Add(slot, isEnd: true);
            return;
        }
        Put(startVacancy, (slot << 1) + 1);
        if (endVacancy == startVacancy)
            Add(slot, isEnd: true);
        else
            Put(endVacancy, (slot << 1) + 2);
    }

    /// <summary>Adds the start (or, with <paramref name="isEnd"/>, the end) of the block in <paramref name="slot"/>, which
    /// its record already holds, and records the entry's position there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int slot, bool isEnd)
    {
        if (_count >= _limit)
            Grow();
        int tag = (slot << 1) + (isEnd ? 2 : 1);
        ulong key = KeyOf(tag);
        Debug.Assert(Find(key) == FreeLists.None, "no other free block starts or ends there");
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        uint hash = Hash(key);
        int i = (int)(hash >> _homeShift);
        while (entries[i].Tag != 0)
            i = (i + 1) & mask;
        entries[i] = new Entry(hash, tag);
        Place(tag, i);
        _count++;
    }

    /// <summary>Removes the start (or, with <paramref name="isEnd"/>, the end) of the block in <paramref name="slot"/>,
    /// shifting later entries of its probe run back so that no look-up needs tombstones: an entry at j moves to the hole
    /// h unless its home lies in (h, j]. E.g. length 8, hole 3, entries at 4 (home 4) and 5 (home 3): 4 stays, 5 moves to 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Remove(int slot, bool isEnd)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        ref FreeBlock block = ref _lists[slot];
        int hole = isEnd ? block.EndEntry : block.StartEntry;
        Debug.Assert(entries[hole].Tag == (slot << 1) + (isEnd ? 2 : 1), "the record knows its entry");
        int j = (hole + 1) & mask;
        while (entries[j].Tag != 0)
        {
            int home = (int)(entries[j].Hash >> _homeShift);
            if (((j - home) & mask) >= ((j - hole) & mask))
            {
                entries[hole] = entries[j];
                Place(entries[hole].Tag, hole);
                hole = j;
            }
            j = (j + 1) & mask;
        }
        entries[hole] = default;
        _count--;
    }

    /// <summary>Stores the entry of <paramref name="tag"/> at <paramref name="vacancy"/>, the first empty entry of its
    /// key's probe run, and records the position in the block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Put(int vacancy, int tag)
    {
        Debug.Assert(Find(KeyOf(tag), out int stop) == FreeLists.None && stop == vacancy, "the vacancy is where the key belongs");
        _entries[vacancy] = new Entry(Hash(KeyOf(tag)), tag);
        Place(tag, vacancy);
        _count++;
    }

    /// <summary>Hands the end of the block in <paramref name="from"/> to the block in <paramref name="to"/>, whose record
    /// already holds the same end (a block that took over another's end): same key, same entry, new owner.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MoveEnd(int from, int to)
    {
        int position = _lists[from].EndEntry;
        Debug.Assert(_lists[from].End == _lists[to].End && _entries[position].Tag == (from << 1) + 2);
        _entries[position] = new Entry(_entries[position].Hash, (to << 1) + 2);
        _lists[to].EndEntry = position;
    }

    /// <summary>Debug: whether the block in <paramref name="slot"/> is found under both its boundaries, and its record
    /// knows where.</summary>
    public bool Holds(int slot)
    {
        ref FreeBlock block = ref _lists[slot];
        return Find(block.Start) == slot && Find(block.End) == slot
            && _entries[block.StartEntry].Tag == (slot << 1) + 1 && _entries[block.EndEntry].Tag == (slot << 1) + 2;
    }

    /// <summary>The most boundaries a table of <paramref name="length"/> entries may hold: length / 8 up to
    /// <see cref="SparseLength"/> entries, length / 4 beyond.</summary>
    private static int Limit(int length) => length <= SparseLength ? length / 8 : length / 4;

    /// <summary>The top 32 bits of key × 2^64/φ: the top bits spread aligned indexes evenly; the home position is the top
    /// log2(length) of them. E.g. keys 0x100 and 0x200 (aligned) land far apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ulong key) => (uint)((key * FibonacciMultiplier) >> 32);

    /// <summary>The slot an entry's tag names: tags are <c>2 × slot + 1</c> (start) or <c>2 × slot + 2</c> (end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SlotOf(int tag) => (tag - 1) >> 1;

    /// <summary>The boundary a tag stands for, read from its block's record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong KeyOf(int tag)
    {
        ref FreeBlock block = ref _lists[SlotOf(tag)];
        return (tag & 1) != 0 ? block.Start : block.End;
    }

    /// <summary>Records in the tag's block that its entry is at <paramref name="position"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Place(int tag, int position)
    {
        ref FreeBlock block = ref _lists[SlotOf(tag)];
        if ((tag & 1) != 0)
            block.StartEntry = position;
        else
            block.EndEntry = position;
    }

    /// <summary>Doubles the table and re-inserts every entry from its stored hash, recording the new positions.</summary>
    private void Grow()
    {
        Entry[] old = _entries;
        _entries = new Entry[old.Length * 2];
        _limit = Limit(_entries.Length);
        _homeShift--;
        int mask = _entries.Length - 1;
        foreach (Entry e in old)
        {
            if (e.Tag == 0)
                continue;
            int i = (int)(e.Hash >> _homeShift);
            while (_entries[i].Tag != 0)
                i = (i + 1) & mask;
            _entries[i] = e;
            Place(e.Tag, i);
        }
    }

    /// <summary>One table entry (8 bytes): the top 32 bits of the key's hash and the tag (0 marks an empty entry).</summary>
    private readonly record struct Entry(uint Hash, int Tag);
}
