using System.Diagnostics;

namespace Cma.Plugins.Bitmap;

/// <summary>
/// The maximal free runs ordered by (length, start), for best fit: a treap over pooled array slots (no object
/// per run, no allocation in steady state; the pool doubles when full). Insert, remove and lower-bound are
/// O(log runs) expected.
/// </summary>
internal sealed class RunsByLength
{
    /// <summary>Packs a run into its key: length in the high 32 bits, start in the low 32, so keys order by
    /// length, then by address. E.g. a run of 3 bits at bit 8: 0x0000_0003_0000_0008.</summary>
    public static ulong Key(long start, long length) => ((ulong)length << 32) | (ulong)start;

    /// <summary>The start bit of a run's key.</summary>
    public static long StartOf(ulong key) => (long)(key & 0xFFFF_FFFF);

    /// <summary>The length in bits of a run's key.</summary>
    public static long LengthOf(ulong key) => (long)(key >> 32);

    /// <summary>Key of each slot in use; unique in the tree.</summary>
    private ulong[] _keys = new ulong[64];

    /// <summary>Heap priority of each slot in use: a parent's is at least its children's.</summary>
    private uint[] _priorities = new uint[64];

    /// <summary>Left child of each slot (0 = none; slot 0 is never used); for a free slot, the next free slot.</summary>
    private int[] _left = new int[64];

    /// <summary>Right child of each slot (0 = none).</summary>
    private int[] _right = new int[64];

    /// <summary>The root slot, 0 when empty.</summary>
    private int _root;

    /// <summary>Head of the free-slot list threaded through <see cref="_left"/>; 0 = none free.</summary>
    private int _free;

    /// <summary>Slots ever handed out, including slot 0; slots [1, _used) are in the tree or on the free list.</summary>
    private int _used = 1;

    /// <summary>State of the xorshift generator for priorities; never 0 (fixed seed, so runs are repeatable).</summary>
    private uint _random = 2463534242;

    /// <summary>Number of runs held.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a run that is not held yet: descend while the nodes outrank the new one, then split the
    /// subtree found there around the new key.</summary>
    public void Add(long start, long length)
    {
        Debug.Assert(length > 0);
        ulong key = Key(start, length);
        int slot = NewSlot(key);
        uint priority = _priorities[slot];
        ref int link = ref _root;
        while (link != 0 && _priorities[link] >= priority)
            link = ref key < _keys[link] ? ref _left[link] : ref _right[link];
        Split(link, key, out _left[slot], out _right[slot]);
        link = slot;
        Count++;
    }

    /// <summary>Removes a run that is held (its node is replaced by the merge of its children); throws
    /// <see cref="InvalidOperationException"/> if it is not held.</summary>
    public void Remove(long start, long length)
    {
        ulong key = Key(start, length);
        ref int link = ref _root;
        while (link != 0 && _keys[link] != key)
            link = ref key < _keys[link] ? ref _left[link] : ref _right[link];
        int node = link;
        if (node == 0)
            throw new InvalidOperationException($"Bitmap corruption: the free run of {length} bits at bit {start} is not in the best-fit index.");
        link = Merge(_left[node], _right[node]);
        _left[node] = _free;
        _free = node;
        Count--;
    }

    /// <summary>The smallest key at least <paramref name="key"/>, or <see cref="ulong.MaxValue"/> when none.</summary>
    public ulong LowerBound(ulong key)
    {
        ulong best = ulong.MaxValue;
        for (int node = _root; node != 0;)
        {
            if (_keys[node] >= key)
            {
                best = _keys[node];
                node = _left[node];
            }
            else
            {
                node = _right[node];
            }
        }
        return best;
    }

    /// <summary>Takes a slot for <paramref name="key"/>, growing the pool by doubling when it is exhausted.</summary>
    private int NewSlot(ulong key)
    {
        int slot = _free;
        if (slot != 0)
        {
            _free = _left[slot];
        }
        else
        {
            if (_used == _keys.Length)
            {
                int size = _keys.Length * 2;
                Array.Resize(ref _keys, size);
                Array.Resize(ref _priorities, size);
                Array.Resize(ref _left, size);
                Array.Resize(ref _right, size);
            }
            slot = _used++;
        }
        _random ^= _random << 13;
        _random ^= _random >> 17;
        _random ^= _random << 5;
        _keys[slot] = key;
        _priorities[slot] = _random;
        _left[slot] = 0;
        _right[slot] = 0;
        return slot;
    }

    /// <summary>Splits the tree at <paramref name="node"/> into keys below <paramref name="key"/> and the rest.</summary>
    private void Split(int node, ulong key, out int less, out int rest)
    {
        if (node == 0)
        {
            less = rest = 0;
        }
        else if (_keys[node] < key)
        {
            Split(_right[node], key, out int l, out rest);
            _right[node] = l;
            less = node;
        }
        else
        {
            Split(_left[node], key, out less, out int r);
            _left[node] = r;
            rest = node;
        }
    }

    /// <summary>Joins two trees whose keys are all ordered (every key of <paramref name="a"/> below every key of <paramref name="b"/>).</summary>
    private int Merge(int a, int b)
    {
        if (a == 0 || b == 0)
            return a | b;
        if (_priorities[a] >= _priorities[b])
        {
            _right[a] = Merge(_right[a], b);
            return a;
        }
        _left[b] = Merge(a, _left[b]);
        return b;
    }
}
