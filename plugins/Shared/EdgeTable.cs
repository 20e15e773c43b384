using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Plugins.Shared;

/// <summary>Where an <see cref="EdgeTable{TRecords}"/> reads its keys and keeps its entries' positions: the records of
/// a plugin's free ranges (best-fit's holes, tlsf's free blocks), by slot.</summary>
internal interface IEdgeRecords
{
    /// <summary>The start (<paramref name="isEnd"/> false) or the end of the free range in <paramref name="slot"/>.</summary>
    ulong Edge(int slot, bool isEnd);

    /// <summary>Where the free range in <paramref name="slot"/> keeps the table position of its start or end entry.</summary>
    ref int EntryOf(int slot, bool isEnd);
}

/// <summary>
/// An open-addressing hash table of the edges of a plugin's free ranges — each range's start and end — that finds the
/// range with a given edge: linear probing, Fibonacci hashing, backward-shift deletion (no tombstones). Free ranges
/// never touch (a free always merges), so no two share an edge and one table holds both edges of every range: the
/// range ending where a freed chunk starts and the range starting where it ends are one look-up each. Linked into
/// best-fit (holes) and tlsf (free blocks), each with its records as <typeparamref name="TRecords"/> (a struct, so
/// each plugin gets its own compiled copy with the record access inlined).
/// <para>An entry is 8 bytes: the top 32 bits of the key's hash and a tag, <c>2 × slot + 1</c> for a start or
/// <c>2 × slot + 2</c> for an end (0 marks an empty entry). The key itself is read from the record only when the hash
/// bits match (the caller of a look-up reads that record next anyway), and the record keeps its two entries'
/// positions, so removing an edge needs no look-up. Hence the callers' rule: add an edge after the record holds it,
/// remove it before the record changes it. The table is kept sparse — at most 1/8 full up to
/// <see cref="SparseLength"/> entries (64 bytes per edge), at most 1/4 beyond — so that almost every probe ends at its
/// home entry and the probe loops' branches are predictable; memory is proportional to the number of free ranges,
/// never to the region's size.</para>
/// </summary>
internal class EdgeTable<TRecords> where TRecords : struct, IEdgeRecords
{
    /// <summary>The kind of a look-up that takes a start or an end alike.</summary>
    public const int AnyKind = -1;

    /// <summary>Fibonacci hashing multiplier: 2^64 / golden ratio, odd.</summary>
    private const ulong FibonacciMultiplier = 0x9E3779B97F4A7C15UL;

    /// <summary>The smallest table.</summary>
    private const int MinLength = 64;

    /// <summary>The largest table kept at most 1/8 full (512 KiB of entries); a larger one is kept at most 1/4 full.</summary>
    private const int SparseLength = 1 << 16;

    /// <summary>The records: the keys and the entries' positions.</summary>
    private readonly TRecords _records;

    /// <summary>The table; a power-of-two length. Every edge sits in the unbroken probe run that starts at its home
    /// position, and its record says where.</summary>
    private Entry[] _entries;

    /// <summary>32 − log2(<c>_entries.Length</c>): the shift that turns a 32-bit hash into a home position.</summary>
    private int _homeShift;

    /// <summary>Number of edges held; at most <see cref="_limit"/>.</summary>
    private int _count;

    /// <summary>The most edges the table may hold before it grows (see <see cref="Limit"/>).</summary>
    private int _limit;

    /// <summary>Creates an empty table over <paramref name="records"/>, with room for <paramref name="capacity"/> edges
    /// before it grows.</summary>
    protected EdgeTable(TRecords records, int capacity)
    {
        _records = records;
        int length = MinLength;
        while (Limit(length) < capacity)
            length *= 2;
        _entries = new Entry[length];
        _limit = Limit(length);
        _homeShift = 32 - BitOperations.Log2((uint)length);
    }

    /// <summary>Number of edges held (two per free range).</summary>
    public int Count => _count;

    /// <summary>The slot of the free range with an edge of kind <paramref name="kind"/> (0 start, 1 end,
    /// <see cref="AnyKind"/> either) at <paramref name="key"/>, or -1 and in <paramref name="vacancy"/> the empty entry
    /// the look-up stopped at: where <see cref="AddBoth"/> may add an edge at <paramref name="key"/> as long as nothing is
    /// added or removed in between; -1 when the look-up passed the key under the other kind (corrupt free space: the
    /// plain add then reports it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong key, int kind, out int vacancy)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        uint hash = Hash(key);
        int i = (int)(hash >> _homeShift);
        bool passed = false;
        while (true)
        {
            Entry e = entries[i];
            if (e.Tag == 0)
            {
                vacancy = passed ? -1 : i;
                return -1;
            }
            if (e.Hash == hash && KeyOf(e.Tag) == key)
            {
                if (kind < 0 || ((e.Tag - 1) & 1) == kind)
                {
                    vacancy = -1;
                    return (e.Tag - 1) >> 1;
                }
                passed = true;
            }
            i = (i + 1) & mask;
        }
    }

    /// <summary>Adds both edges of the new range in <paramref name="slot"/> at the empty entries where
    /// <see cref="Find"/> of its start and of its end stopped, with nothing added or removed since, sparing both probes:
    /// adding one fills an entry but opens none, so the other's vacancy is still the first empty entry of its probe run,
    /// unless it is the same entry. If the table must grow first, or a vacancy is unknown, both are probed for.</summary>
    /// <returns>False (adding nothing more) when another range already has one of the edges.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool AddBoth(int slot, int startVacancy, int endVacancy)
    {
        if (_count + 2 > _limit || startVacancy < 0 || endVacancy < 0 || startVacancy == endVacancy)
            return Add(slot, 0) && Add(slot, 1);
        Put(startVacancy, (slot << 1) + 1);
        Put(endVacancy, (slot << 1) + 2);
        return true;
    }

    /// <summary>Adds the start (or, with <paramref name="isEnd"/> 1, the end) of the range in <paramref name="slot"/>,
    /// which its record already holds, and records the entry's position there. Returns false (adding nothing) when
    /// another range already has that edge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Add(int slot, int isEnd)
    {
        if (_count >= _limit)
            Grow();
        int tag = (slot << 1) + 1 + isEnd;
        ulong key = KeyOf(tag);
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        uint hash = Hash(key);
        int i = (int)(hash >> _homeShift);
        while (entries[i].Tag != 0)
        {
            if (entries[i].Hash == hash && ((entries[i].Tag - 1) & 1) == isEnd && KeyOf(entries[i].Tag) == key)
                return false;
            i = (i + 1) & mask;
        }
        entries[i] = new Entry(hash, tag);
        Place(tag, i);
        _count++;
        return true;
    }

    /// <summary>Whether the entry the range in <paramref name="slot"/> records for its edge of kind
    /// <paramref name="isEnd"/> is that edge's.</summary>
    public bool Holds(int slot, int isEnd)
    {
        int position = _records.EntryOf(slot, isEnd != 0);
        return (uint)position < (uint)_entries.Length && _entries[position].Tag == (slot << 1) + 1 + isEnd;
    }

    /// <summary>Removes the start (or, with <paramref name="isEnd"/> 1, the end) of the range in <paramref name="slot"/>,
    /// shifting later entries of its probe run back so that no look-up needs tombstones: an entry at j moves to the gap g
    /// unless its home lies in (g, j]. E.g. length 8, gap 3, entries at 4 (home 4) and 5 (home 3): 4 stays, 5 moves to 3.</summary>
    /// <param name="slot">The range's slot.</param>
    /// <param name="isEnd">1 for its end, 0 for its start.</param>
    /// <param name="verify">Whether to check first that the entry the record names is that edge's (on the line the
    /// removal reads anyway); a constant at each call site, so an unverified removal compiles without the check.</param>
    /// <returns>False, removing nothing, when <paramref name="verify"/> finds the entry is not that edge's (corrupt
    /// free space).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Remove(int slot, int isEnd, bool verify)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int gap = _records.EntryOf(slot, isEnd != 0);
        if (verify && ((uint)gap >= (uint)entries.Length || entries[gap].Tag != (slot << 1) + 1 + isEnd))
            return false;
        int j = (gap + 1) & mask;
        while (entries[j].Tag != 0)
        {
            int home = (int)(entries[j].Hash >> _homeShift);
            if (((j - home) & mask) >= ((j - gap) & mask))
            {
                entries[gap] = entries[j];
                Place(entries[gap].Tag, gap);
                gap = j;
            }
            j = (j + 1) & mask;
        }
        entries[gap] = default;
        _count--;
        return true;
    }

    /// <summary>Hands the edge of kind <paramref name="isEnd"/> of the range in <paramref name="from"/> to the range in
    /// <paramref name="to"/>, whose record already holds the same edge: same key, same entry, new owner.</summary>
    /// <returns>False, changing nothing, when <paramref name="verify"/> finds that the entry the record names is not
    /// that edge's (corrupt free space); see <see cref="Remove"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Move(int from, int to, int isEnd, bool verify)
    {
        int position = _records.EntryOf(from, isEnd != 0);
        if (verify && ((uint)position >= (uint)_entries.Length || _entries[position].Tag != (from << 1) + 1 + isEnd))
            return false;
        int tag = (to << 1) + 1 + isEnd;
        _entries[position] = new Entry(_entries[position].Hash, tag);
        Place(tag, position);
        return true;
    }

    /// <summary>Stores the entry of <paramref name="tag"/> at <paramref name="vacancy"/>, the first empty entry of its
    /// key's probe run, and records the position in the range's record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Put(int vacancy, int tag)
    {
        _entries[vacancy] = new Entry(Hash(KeyOf(tag)), tag);
        Place(tag, vacancy);
        _count++;
    }

    /// <summary>The most edges a table of <paramref name="length"/> entries may hold: length / 8 up to
    /// <see cref="SparseLength"/> entries, length / 4 beyond.</summary>
    private static int Limit(int length) => length <= SparseLength ? length / 8 : length / 4;

    /// <summary>The top 32 bits of key × 2^64/φ: the top bits spread aligned keys evenly; the home position is the top
    /// log2(length) of them. E.g. keys 0x1000 and 0x2000 (aligned) land far apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ulong key) => (uint)((key * FibonacciMultiplier) >> 32);

    /// <summary>The edge a tag stands for, read from its range's record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong KeyOf(int tag) => _records.Edge((tag - 1) >> 1, (tag & 1) == 0);

    /// <summary>Records in the tag's range that its entry is at <paramref name="position"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Place(int tag, int position) => _records.EntryOf((tag - 1) >> 1, (tag & 1) == 0) = position;

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
