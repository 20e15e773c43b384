using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Runtime.Regions;

/// <summary>
/// What the <see cref="GranuleChunkIndex"/> keeps of a live chunk beyond its marks: its owner and the size its caller
/// asked for, by the chunk's first granule. An open-addressing hash table — linear probing, Fibonacci hashing,
/// backward-shift deletion (no tombstones) — of 8-byte entries held inline, so that a look-up reads one entry (one
/// cache line) in the common case: the first granule + 1 (25 bits; 0 marks an empty entry), the owner index (16 bits)
/// and the chunk's slack, its size minus the requested size (23 bits). A chunk whose owner index or slack does not fit
/// (an owner index of 65,535 or more, a slack of 8 MiB or more) keeps them in a side dictionary instead, its entry's
/// owner field set to <see cref="Overflow"/>. Kept sparse so that almost every probe ends at its home entry and a
/// removal moves nothing: at most 1/4 full up to <see cref="SparseLength"/> entries (512 KiB), at most 1/2 beyond
/// (16–32 bytes per live chunk; 1M chunks take 16 MiB).
/// </summary>
internal sealed class ChunkDetailTable
{
    /// <summary>Fibonacci hashing multiplier: 2^64 / golden ratio, odd.</summary>
    private const ulong FibonacciMultiplier = 0x9E3779B97F4A7C15UL;

    /// <summary>The smallest table.</summary>
    private const int MinLength = 64;

    /// <summary>The largest table kept at most 1/4 full; a larger one is kept at most 1/2 full.</summary>
    private const int SparseLength = 1 << 16;

    /// <summary>Bits of an entry that hold the key (the first granule + 1, at most 2^24 + 1 &lt; 2^25).</summary>
    private const int KeyBits = 25;

    /// <summary>The owner field's position and the value that sends a chunk's details to the side dictionary.</summary>
    private const int OwnerShift = KeyBits, Overflow = 0xFFFF;

    /// <summary>The slack field's position and its width.</summary>
    private const int SlackShift = KeyBits + 16, SlackBits = 64 - SlackShift;

    /// <summary>The mask of an entry's key.</summary>
    private const ulong KeyMask = (1UL << KeyBits) - 1;

    /// <summary>The table; a power-of-two length. Every key sits in the unbroken probe run that starts at its home.</summary>
    private ulong[] _entries = new ulong[MinLength];

    /// <summary>64 − log2(<c>_entries.Length</c>): the shift that turns a 64-bit hash into a home position.</summary>
    private int _homeShift = 64 - BitOperations.Log2(MinLength);

    /// <summary>Keys held.</summary>
    private int _count;

    /// <summary>The details of chunks whose owner index or slack does not fit an entry, by first granule.</summary>
    private Dictionary<int, (ulong Requested, int Owner)>? _overflow;

    /// <summary>The table's home position for granule <paramref name="granule"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(uint granule) => (int)((granule * FibonacciMultiplier) >> _homeShift);

    /// <summary>Adds the details of the chunk of <paramref name="size"/> bytes whose first granule is
    /// <paramref name="granule"/> (not held yet).</summary>
    public void Add(int granule, ulong size, ulong requested, int owner)
    {
        Debug.Assert(requested <= size);
        if (_count >= (_entries.Length <= SparseLength ? _entries.Length >> 2 : _entries.Length >> 1))
            Grow();
        ulong key = (ulong)granule + 1, slack = size - requested;
        ulong entry;
        if ((uint)owner < Overflow && slack < 1UL << SlackBits)
        {
            entry = key | ((ulong)owner << OwnerShift) | (slack << SlackShift);
        }
        else
        {
            (_overflow ??= []).Add(granule, (requested, owner));
            entry = key | ((ulong)Overflow << OwnerShift);
        }
        ulong[] entries = _entries;
        int mask = entries.Length - 1;
        int i = Home((uint)granule);
        while (entries[i] != 0)
        {
            Debug.Assert((entries[i] & KeyMask) != key, "a granule is added once");
            i = (i + 1) & mask;
        }
        entries[i] = entry;
        _count++;
    }

    /// <summary>Reads the details of the chunk of <paramref name="size"/> bytes whose first granule is
    /// <paramref name="granule"/> (held).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Get(int granule, ulong size, out ulong requested, out int owner) =>
        Unpack(granule, size, _entries[Find(granule)], out requested, out owner);

    /// <summary>The details an entry holds (or sends to the side dictionary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Unpack(int granule, ulong size, ulong entry, out ulong requested, out int owner)
    {
        owner = (int)(entry >> OwnerShift) & 0xFFFF;
        if (owner != Overflow)
            requested = size - (entry >> SlackShift);
        else
            (requested, owner) = _overflow![granule];
    }

    /// <summary>Removes the details of the chunk of <paramref name="size"/> bytes whose first granule is
    /// <paramref name="granule"/> (held), returning them.</summary>
    public void Remove(int granule, ulong size, out ulong requested, out int owner)
    {
        ulong[] entries = _entries;
        int mask = entries.Length - 1;
        int hole = Find(granule);
        Unpack(granule, size, entries[hole], out requested, out owner);
        if ((int)(entries[hole] >> OwnerShift & 0xFFFF) == Overflow)
            _overflow!.Remove(granule);
        // Backward shift: each later entry of the run moves into the hole when the hole lies between its home and it.
        for (int j = (hole + 1) & mask; entries[j] != 0; j = (j + 1) & mask)
        {
            int home = Home((uint)(entries[j] & KeyMask) - 1);
            if (((j - home) & mask) >= ((j - hole) & mask))
            {
                entries[hole] = entries[j];
                hole = j;
            }
        }
        entries[hole] = 0;
        _count--;
    }

    /// <summary>The position of <paramref name="granule"/>'s entry, which the table holds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(int granule)
    {
        ulong key = (ulong)granule + 1;
        ulong[] entries = _entries;
        int mask = entries.Length - 1;
        int i = Home((uint)granule);
        while ((entries[i] & KeyMask) != key)
        {
            if (entries[i] == 0)
                throw new InvalidOperationException($"the chunk index holds no details for granule {granule}: its marks and details disagree");
            i = (i + 1) & mask;
        }
        return i;
    }

    /// <summary>Doubles the table and re-enters every key.</summary>
    private void Grow()
    {
        ulong[] old = _entries;
        _entries = new ulong[old.Length * 2];
        _homeShift--;
        int mask = _entries.Length - 1;
        foreach (ulong entry in old)
        {
            if (entry == 0)
                continue;
            int i = Home((uint)(entry & KeyMask) - 1);
            while (_entries[i] != 0)
                i = (i + 1) & mask;
            _entries[i] = entry;
        }
    }
}
