namespace Cma.Plugins.BestFit;

/// <summary>
/// Finds a hole by one of its edges in O(1): the hole that starts at an address, or (built with
/// <c>byEnd: true</c>) the hole that ends at one. <see cref="BestFitAllocator.Free"/> needs nothing else to
/// coalesce, because the only holes a freed chunk can merge with are the one ending at its start and the one
/// starting at its end. An open-addressing table of hole indexes (4 bytes a slot; the key is read from the hole
/// itself), linear probing, Fibonacci hashing, backward-shift deletion (no tombstones), at most a quarter full:
/// short clusters keep the probe and shift loops (and their mispredicted exits) short (why a quarter: see
/// docs/benchmarks.md).
/// </summary>
internal sealed class HoleAddressIndex
{
    /// <summary>Fibonacci hashing multiplier, 2^64 / φ: spreads granule-aligned addresses over the table.</summary>
    private const ulong GoldenRatio = 0x9E3779B97F4A7C15UL;

    /// <summary>The holes whose edges are keys here.</summary>
    private readonly HoleArena _arena;

    /// <summary>Whether a hole's key is its end (<c>Start + Size</c>) rather than its start.</summary>
    private readonly bool _byEnd;

    /// <summary>Hole indexes or <see cref="HoleArena.Nil"/>; length a power of two, at least 4 × <see cref="_count"/>;
    /// every key is reachable from its home slot without crossing an empty slot.</summary>
    private int[] _slots;

    /// <summary><c>64 - log2(_slots.Length)</c>: the shift that turns a 64-bit hash into a home slot.</summary>
    private int _shift;

    /// <summary>Holes indexed; keys are distinct (holes neither overlap nor touch).</summary>
    private int _count;

    /// <summary>Creates an empty index.</summary>
    /// <param name="arena">Where the holes live.</param>
    /// <param name="byEnd">Key by end address instead of start address.</param>
    public HoleAddressIndex(HoleArena arena, bool byEnd)
    {
        _arena = arena;
        _byEnd = byEnd;
        _slots = NewSlots(16);
        _shift = 64 - 4;
    }

    /// <summary>Holes indexed.</summary>
    public int Count => _count;

    /// <summary>The hole whose key is <paramref name="address"/>, or <see cref="HoleArena.Nil"/>.</summary>
    /// <param name="address">A start (or end) address.</param>
    /// <returns>The hole's index.</returns>
    public int Find(ulong address)
    {
        int[] slots = _slots;
        int mask = slots.Length - 1;
        for (int i = Home(address); ; i = (i + 1) & mask)
        {
            int hole = slots[i];
            if (hole == HoleArena.Nil || KeyOf(hole) == address)
                return hole;
        }
    }

    /// <summary>Indexes a hole under its current key.</summary>
    /// <param name="hole">A hole not yet indexed here, whose key no other indexed hole has.</param>
    /// <exception cref="InvalidOperationException">Another hole already has this key (corrupt free space).</exception>
    public void Add(int hole)
    {
        if (4 * (_count + 1) > _slots.Length)
            Grow();
        ulong key = KeyOf(hole);
        int mask = _slots.Length - 1;
        int i = Home(key);
        while (_slots[i] != HoleArena.Nil)
        {
            if (KeyOf(_slots[i]) == key)
                throw new InvalidOperationException($"best-fit free space is corrupt: two holes {(_byEnd ? "end" : "start")} at 0x{key:X} (a chunk freed twice?).");
            i = (i + 1) & mask;
        }
        _slots[i] = hole;
        _count++;
    }

    /// <summary>Removes a hole; call it before the hole's key changes.</summary>
    /// <param name="hole">A hole indexed here under its current key.</param>
    /// <exception cref="InvalidOperationException">The hole is not indexed under its key (corrupt free space).</exception>
    public void Remove(int hole)
    {
        int mask = _slots.Length - 1;
        int i = SlotOf(hole);
        // Backward shift: pull each later key of the cluster into the gap unless its home lies cyclically in (gap, j].
        for (int j = (i + 1) & mask; _slots[j] != HoleArena.Nil; j = (j + 1) & mask)
        {
            int home = Home(KeyOf(_slots[j]));
            if (((j - home) & mask) >= ((j - i) & mask))
            {
                _slots[i] = _slots[j];
                i = j;
            }
        }
        _slots[i] = HoleArena.Nil;
        _count--;
    }

    /// <summary>Hands a key over from one hole to another without moving it: <paramref name="replacement"/> takes
    /// <paramref name="hole"/>'s slot. The caller makes the replacement's key equal to the hole's old one.</summary>
    /// <param name="hole">A hole indexed here under its current key.</param>
    /// <param name="replacement">A hole not indexed here.</param>
    /// <exception cref="InvalidOperationException">The hole is not indexed under its key (corrupt free space).</exception>
    public void Replace(int hole, int replacement)
    {
        _slots[SlotOf(hole)] = replacement;
    }

    /// <summary>The slot that holds <paramref name="hole"/>, found by probing from its key's home.</summary>
    /// <exception cref="InvalidOperationException">The hole is not indexed under its key (corrupt free space).</exception>
    private int SlotOf(int hole)
    {
        int mask = _slots.Length - 1;
        int i = Home(KeyOf(hole));
        while (_slots[i] != hole)
        {
            if (_slots[i] == HoleArena.Nil)
                throw new InvalidOperationException($"best-fit free space is corrupt: hole {hole} is missing from its {(_byEnd ? "end" : "start")} index.");
            i = (i + 1) & mask;
        }
        return i;
    }

    /// <summary>The key of a hole: its start, or its end for an end index.</summary>
    private ulong KeyOf(int hole)
    {
        ref Hole h = ref _arena.Items[hole];
        return _byEnd ? h.Start + h.Size : h.Start;
    }

    /// <summary>The home slot of a key: the top bits of <c>key × 2^64/φ</c>. E.g. with 16 slots (shift 60), key
    /// 0x1000 → (0x1000 × 0x9E3779B97F4A7C15) mod 2^64 = 0x779B97F4A7C15000 → slot 7.</summary>
    private int Home(ulong key) => (int)((key * GoldenRatio) >> _shift);

    /// <summary>Doubles the table and re-inserts every hole.</summary>
    private void Grow()
    {
        int[] old = _slots;
        _slots = NewSlots(old.Length * 2);
        _shift--;
        int mask = _slots.Length - 1;
        foreach (int hole in old)
        {
            if (hole == HoleArena.Nil)
                continue;
            int i = Home(KeyOf(hole));
            while (_slots[i] != HoleArena.Nil)
                i = (i + 1) & mask;
            _slots[i] = hole;
        }
    }

    /// <summary>A slot array of <paramref name="length"/> empty slots.</summary>
    private static int[] NewSlots(int length)
    {
        int[] slots = new int[length];
        Array.Fill(slots, HoleArena.Nil);
        return slots;
    }
}
