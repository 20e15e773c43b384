using System.Numerics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// The hash table behind both <see cref="HoleAddressIndex"/> views: every hole's start and end, found by address.
/// Holes never touch, so no two share an edge and one table holds both edges of every hole. Open addressing, linear
/// probing, Fibonacci hashing, backward-shift deletion (no tombstones). (The design of the tlsf plugin's boundary
/// index.)
/// <para>An entry is 8 bytes: the top 32 bits of the key's hash and a tag, <c>2 × hole + 1</c> for a start or
/// <c>2 × hole + 2</c> for an end (0 marks an empty entry). The key itself is read from the hole only when the hash
/// bits match (the caller of a look-up reads that hole next anyway), and the hole keeps its two entries' positions
/// (<see cref="Hole.StartEntry"/>, <see cref="Hole.EndEntry"/>), so removing an edge needs no look-up. Hence the
/// callers' rule: add an edge after the hole holds it, remove it before the hole changes it. The table is kept sparse —
/// at most 1/8 full up to <see cref="SparseLength"/> entries, at most 1/4 beyond — so that almost every probe ends at
/// its home entry; memory is proportional to the number of holes, never to the region's size.</para>
/// </summary>
internal sealed class HoleEdgeTable
{
    /// <summary>Fibonacci hashing multiplier: 2^64 / golden ratio, odd.</summary>
    private const ulong FibonacciMultiplier = 0x9E3779B97F4A7C15UL;

    /// <summary>The smallest table.</summary>
    private const int MinLength = 64;

    /// <summary>The largest table kept at most 1/8 full (512 KiB of entries); a larger one is kept at most 1/4 full.</summary>
    private const int SparseLength = 1 << 16;

    /// <summary>The holes: the keys and the entries' positions.</summary>
    private readonly HoleArena _arena;

    /// <summary>The table; a power-of-two length. Every edge sits in the unbroken probe run that starts at its home
    /// position, and its hole's <see cref="Hole.StartEntry"/> or <see cref="Hole.EndEntry"/> says where.</summary>
    private Entry[] _entries;

    /// <summary>32 − log2(<c>_entries.Length</c>): the shift that turns a 32-bit hash into a home position.</summary>
    private int _homeShift;

    /// <summary>Number of edges held; at most <see cref="_limit"/>.</summary>
    private int _count;

    /// <summary>The most edges the table may hold before it grows (see <see cref="Limit"/>).</summary>
    private int _limit;

    /// <summary>Creates an empty table over the holes of <paramref name="arena"/>.</summary>
    public HoleEdgeTable(HoleArena arena)
    {
        _arena = arena;
        _entries = new Entry[MinLength];
        _limit = Limit(MinLength);
        _homeShift = 32 - BitOperations.Log2((uint)MinLength);
    }

    /// <summary>The hole whose edge of kind <paramref name="isEnd"/> is <paramref name="key"/>, or <see cref="HoleArena.Nil"/>
    /// and in <paramref name="vacancy"/> the empty entry the look-up stopped at: where <see cref="AddBoth"/> may add an
    /// edge at <paramref name="key"/> (of either kind) as long as nothing is added or removed in between; -1 when the
    /// look-up passed the key under the other kind (corrupt free space: the plain add then reports it).</summary>
    public int Find(ulong key, int isEnd, out int vacancy)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        uint hash = Hash(key);
        int i = (int)(hash >> _homeShift);
        vacancy = -1;
        while (true)
        {
            Entry e = entries[i];
            if (e.Tag == 0)
            {
                if (vacancy != -2)
                    vacancy = i;
                else
                    vacancy = -1;
                return HoleArena.Nil;
            }
            if (e.Hash == hash && KeyOf(e.Tag) == key)
            {
                if (((e.Tag - 1) & 1) == isEnd)
                {
                    vacancy = -1;
                    return (e.Tag - 1) >> 1;
                }
                vacancy = -2;
            }
            i = (i + 1) & mask;
        }
    }

    /// <summary>Adds both edges of the new hole <paramref name="hole"/> at the empty entries where
    /// <see cref="Find"/> of its start and of its end stopped, with nothing added or removed since, sparing both probes:
    /// adding one fills an entry but opens none, so the other's vacancy is still the first empty entry of its probe run,
    /// unless it is the same entry. If the table must grow first, or a vacancy is unknown, both are probed for.</summary>
    /// <returns>False (adding nothing more) when another hole already has one of the edges.</returns>
    public bool AddBoth(int hole, int startVacancy, int endVacancy)
    {
        if (_count + 2 > _limit || startVacancy < 0 || endVacancy < 0 || startVacancy == endVacancy)
            return Add(hole, 0) && Add(hole, 1);
        Put(startVacancy, (hole << 1) + 1);
        Put(endVacancy, (hole << 1) + 2);
        return true;
    }

    /// <summary>Adds the start (or, with <paramref name="isEnd"/> 1, the end) of <paramref name="hole"/>, which the hole
    /// already holds, and records the entry's position there. Returns false (adding nothing) when another hole already
    /// has that edge.</summary>
    public bool Add(int hole, int isEnd)
    {
        if (_count >= _limit)
            Grow();
        int tag = (hole << 1) + 1 + isEnd;
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

    /// <summary>Whether the entry the hole records for its edge of kind <paramref name="isEnd"/> is that edge's.</summary>
    public bool Holds(int hole, int isEnd)
    {
        ref Hole h = ref _arena.Items[hole];
        int position = isEnd != 0 ? h.EndEntry : h.StartEntry;
        return (uint)position < (uint)_entries.Length && _entries[position].Tag == (hole << 1) + 1 + isEnd;
    }

    /// <summary>Removes the start (or, with <paramref name="isEnd"/> 1, the end) of <paramref name="hole"/>, shifting
    /// later entries of its probe run back so that no look-up needs tombstones: an entry at j moves to the gap g unless
    /// its home lies in (g, j]. E.g. length 8, gap 3, entries at 4 (home 4) and 5 (home 3): 4 stays, 5 moves to 3.</summary>
    public void Remove(int hole, int isEnd)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        ref Hole h = ref _arena.Items[hole];
        int gap = isEnd != 0 ? h.EndEntry : h.StartEntry;
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
    }

    /// <summary>Hands the edge of kind <paramref name="isEnd"/> of <paramref name="from"/> to <paramref name="to"/>, whose
    /// record already holds the same edge: same key, same entry, new owner.</summary>
    public void Move(int from, int to, int isEnd)
    {
        Hole[] items = _arena.Items;
        int position = isEnd != 0 ? items[from].EndEntry : items[from].StartEntry;
        int tag = (to << 1) + 1 + isEnd;
        _entries[position] = new Entry(_entries[position].Hash, tag);
        Place(tag, position);
    }

    /// <summary>Stores the entry of <paramref name="tag"/> at <paramref name="vacancy"/>, the first empty entry of its
    /// key's probe run, and records the position in the hole.</summary>
    private void Put(int vacancy, int tag)
    {
        _entries[vacancy] = new Entry(Hash(KeyOf(tag)), tag);
        Place(tag, vacancy);
        _count++;
    }

    /// <summary>The most edges a table of <paramref name="length"/> entries may hold: length / 8 up to
    /// <see cref="SparseLength"/> entries, length / 4 beyond.</summary>
    private static int Limit(int length) => length <= SparseLength ? length / 8 : length / 4;

    /// <summary>The top 32 bits of key × 2^64/φ: the top bits spread aligned addresses evenly; the home position is the
    /// top log2(length) of them. E.g. keys 0x1000 and 0x2000 (aligned) land far apart.</summary>
    private static uint Hash(ulong key) => (uint)((key * FibonacciMultiplier) >> 32);

    /// <summary>The edge a tag stands for, read from its hole.</summary>
    private ulong KeyOf(int tag)
    {
        ref Hole h = ref _arena.Items[(tag - 1) >> 1];
        return (tag & 1) != 0 ? h.Start : h.Start + h.Size;
    }

    /// <summary>Records in the tag's hole that its entry is at <paramref name="position"/>.</summary>
    private void Place(int tag, int position)
    {
        ref Hole h = ref _arena.Items[(tag - 1) >> 1];
        if ((tag & 1) != 0)
            h.StartEntry = position;
        else
            h.EndEntry = position;
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
