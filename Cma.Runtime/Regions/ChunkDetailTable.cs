using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Runtime.Regions;

/// <summary>
/// What the <see cref="GranuleChunkIndex"/> keeps of a live chunk beyond its marks: its owner and the size its caller
/// asked for, by the chunk's first granule. An open-addressing hash table — linear probing, Fibonacci hashing,
/// backward-shift deletion (no tombstones) — of 16-byte entries held inline, so that a look-up reads one entry (one
/// cache line) in the common case. Kept sparse so that almost every probe ends at its home entry and a removal moves
/// nothing: at most 1/4 full up to <see cref="SparseLength"/> entries (1 MiB), at most 1/2 beyond (32–64 bytes per live
/// chunk; 1M chunks take 32 MiB).
/// </summary>
internal sealed class ChunkDetailTable
{
    /// <summary>Fibonacci hashing multiplier: 2^64 / golden ratio, odd.</summary>
    private const ulong FibonacciMultiplier = 0x9E3779B97F4A7C15UL;

    /// <summary>The smallest table.</summary>
    private const int MinLength = 64;

    /// <summary>The largest table kept at most 1/4 full; a larger one is kept at most 1/2 full.</summary>
    private const int SparseLength = 1 << 16;

    /// <summary>One entry: the chunk's first granule + 1 (0 marks an empty entry), its owner and its requested size.</summary>
    private struct Entry
    {
        public uint Key;
        public int Owner;
        public ulong Requested;
    }

    /// <summary>The table; a power-of-two length. Every key sits in the unbroken probe run that starts at its home.</summary>
    private Entry[] _entries = new Entry[MinLength];

    /// <summary>64 − log2(<c>_entries.Length</c>): the shift that turns a 64-bit hash into a home position.</summary>
    private int _homeShift = 64 - BitOperations.Log2(MinLength);

    /// <summary>Keys held.</summary>
    private int _count;

    /// <summary>The table's home position for granule <paramref name="granule"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(uint granule) => (int)((granule * FibonacciMultiplier) >> _homeShift);

    /// <summary>Adds the details of the chunk whose first granule is <paramref name="granule"/> (not held yet).</summary>
    public void Add(int granule, ulong requested, int owner)
    {
        if (_count >= (_entries.Length <= SparseLength ? _entries.Length >> 2 : _entries.Length >> 1))
            Grow();
        uint key = (uint)granule + 1;
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int i = Home((uint)granule);
        while (entries[i].Key != 0)
        {
            Debug.Assert(entries[i].Key != key, "a granule is added once");
            i = (i + 1) & mask;
        }
        entries[i] = new Entry { Key = key, Owner = owner, Requested = requested };
        _count++;
    }

    /// <summary>Reads the details of the chunk whose first granule is <paramref name="granule"/> (held).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Get(int granule, out ulong requested, out int owner)
    {
        ref Entry entry = ref _entries[Find(granule)];
        (requested, owner) = (entry.Requested, entry.Owner);
    }

    /// <summary>Removes the details of the chunk whose first granule is <paramref name="granule"/> (held), returning them.</summary>
    public void Remove(int granule, out ulong requested, out int owner)
    {
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int hole = Find(granule);
        (requested, owner) = (entries[hole].Requested, entries[hole].Owner);
        // Backward shift: each later entry of the run moves into the hole when the hole lies between its home and it.
        for (int j = (hole + 1) & mask; entries[j].Key != 0; j = (j + 1) & mask)
        {
            int home = Home(entries[j].Key - 1);
            if (((j - home) & mask) >= ((j - hole) & mask))
            {
                entries[hole] = entries[j];
                hole = j;
            }
        }
        entries[hole] = default;
        _count--;
    }

    /// <summary>The position of <paramref name="granule"/>'s entry, which the table holds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(int granule)
    {
        uint key = (uint)granule + 1;
        Entry[] entries = _entries;
        int mask = entries.Length - 1;
        int i = Home((uint)granule);
        while (entries[i].Key != key)
        {
            if (entries[i].Key == 0)
                throw new InvalidOperationException($"the chunk index holds no details for granule {granule}: its marks and details disagree");
            i = (i + 1) & mask;
        }
        return i;
    }

    /// <summary>Doubles the table and re-enters every key.</summary>
    private void Grow()
    {
        Entry[] old = _entries;
        _entries = new Entry[old.Length * 2];
        _homeShift--;
        int mask = _entries.Length - 1;
        foreach (Entry entry in old)
        {
            if (entry.Key == 0)
                continue;
            int i = Home(entry.Key - 1);
            while (_entries[i].Key != 0)
                i = (i + 1) & mask;
            _entries[i] = entry;
        }
    }
}
