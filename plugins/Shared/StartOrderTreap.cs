using System.Diagnostics;

namespace Cma.Plugins.Shared;

/// <summary>What a <see cref="StartOrderTreap"/> orders: disjoint ranges named by slot numbers (an allocator's free
/// holes or blocks). Implemented by the allocator's own storage; called only off the hot path.</summary>
internal interface IStartOrderedRanges
{
    /// <summary>Live ranges.</summary>
    int RangeCount { get; }

    /// <summary>The key of the range in <paramref name="slot"/>: its start.</summary>
    ulong StartOf(int slot);

    /// <summary>The end of the range in <paramref name="slot"/> (for the Debug check of the order).</summary>
    ulong EndOf(int slot);

    /// <summary>Whether <paramref name="slot"/> holds a live range (for the Debug check).</summary>
    bool IsLive(int slot);

    /// <summary>Writes every live slot into <paramref name="slots"/> (<see cref="RangeCount"/> long); returns one more
    /// than the highest slot (the size the treap's child arrays need).</summary>
    int CopyLiveSlots(Span<int> slots);

    /// <summary>The start of the message that reports a broken order ("best-fit free space is corrupt").</summary>
    string Corrupt { get; }
}

/// <summary>
/// Disjoint ranges in start order, for an allocator's exact placement (<c>ICmaExactPlacement.TryReserve</c>) only: the
/// range with the greatest start at or below a key (the one that may contain a range strictly inside it) in O(log n)
/// expected. Shared as source by best-fit (holes) and tlsf (free blocks).
/// <para>It is kept off the hot path. Allocations and frees do not maintain it; they only mark it stale
/// (<see cref="Invalidate"/>, one store). A reserve that needs it while it is stale answers by a scan of the ranges
/// (O(n), as without it) the first time; a second such reserve with no allocation or free in between (a run of
/// reserves: a live allocator swap or a restore) builds it in O(n log n), and from then on every reserve of the run keeps
/// it up to date in O(log n) expected. An isolated reserve between allocations thus never costs more than a scan, and a
/// run of k reserves costs O(n log n + k log n) instead of O(k n).</para>
/// <para>A treap: binary-search order on the start, heap order on a priority that is a hash of the slot (no storage):
/// 8 bytes per slot, allocated the first time it is built, none before. Ranges never overlap, so a range whose start
/// moves without crossing another (carved from its head) keeps its place.</para>
/// </summary>
internal sealed class StartOrderTreap
{
    /// <summary>The index that names no range (an empty subtree).</summary>
    private const int Nil = -1;

    /// <summary>The ranges the treap orders, by slot; keys are their starts.</summary>
    private readonly IStartOrderedRanges _ranges;

    /// <summary>Per range slot, the treap child with a smaller start, or <see cref="Nil"/>.</summary>
    private int[] _left = [];

    /// <summary>Per range slot, the treap child with a larger start, or <see cref="Nil"/>.</summary>
    private int[] _right = [];

    /// <summary>The treap's root, or <see cref="Nil"/>; meaningful only while <see cref="IsCurrent"/>.</summary>
    private int _root = Nil;

    /// <summary>Where the order stands with respect to the ranges.</summary>
    private State _state;

    /// <summary>Calls of <see cref="CheckPeriodically"/> while current (Debug).</summary>
    private int _checks;

    /// <summary>Creates a stale, unbuilt order over <paramref name="ranges"/>.</summary>
    public StartOrderTreap(IStartOrderedRanges ranges) => _ranges = ranges;

    /// <summary>Where the order stands: stale, stale with one scan done since the last allocation or free, or current.</summary>
    private enum State
    {
        /// <summary>An allocation or free may have changed the ranges since the treap was last right.</summary>
        Stale,

        /// <summary>Stale, and a reserve has scanned since the last allocation or free: the next one builds.</summary>
        Scanned,

        /// <summary>The treap holds exactly the ranges, in start order.</summary>
        Current,
    }

    /// <summary>Whether the treap holds exactly the ranges; reserves must then keep it so.</summary>
    public bool IsCurrent => _state == State.Current;

    /// <summary>Marks the order stale; called by every allocation and free (the hot path does nothing else here).</summary>
    public void Invalidate() => _state = State.Stale;

    /// <summary>Whether a reserve that needs the order should build it now (a run of reserves), or else scan; a scan
    /// is noted, so that the next reserve of the run builds.</summary>
    public bool ShouldBuild()
    {
        if (_state != State.Stale)
            return true;
        _state = State.Scanned;
        return false;
    }

    /// <summary>Rebuilds the treap from every live range: sorts them by start, then links them as a Cartesian tree on
    /// their priorities with a stack of the right spine. O(n log n).</summary>
    public void Build()
    {
        var slots = new int[_ranges.RangeCount];
        int bound = _ranges.CopyLiveSlots(slots);
        if (_left.Length < bound)
        {
            _left = new int[bound];
            _right = new int[bound];
        }
        var starts = new ulong[slots.Length];
        for (int i = 0; i < slots.Length; i++)
            starts[i] = _ranges.StartOf(slots[i]);
        int n = slots.Length;
        Array.Sort(starts, slots);
        // The right spine of the tree so far, root first; each new (largest) start hangs at its end.
        var spine = new int[n];
        int depth = 0;
        foreach (int slot in slots)
        {
            uint priority = Priority(slot);
            int below = Nil;
            while (depth > 0 && Priority(spine[depth - 1]) < priority)
                below = spine[--depth];
            _left[slot] = below;
            _right[slot] = Nil;
            if (depth > 0)
                _right[spine[depth - 1]] = slot;
            spine[depth++] = slot;
        }
        _root = depth > 0 ? spine[0] : Nil;
        _state = State.Current;
    }

    /// <summary>The range with the greatest start at or below <paramref name="address"/>, or <see cref="Nil"/>.</summary>
    public int Floor(ulong address)
    {
        Debug.Assert(IsCurrent, "the order is current");
        int floor = Nil;
        for (int node = _root; node != Nil;)
        {
            if (_ranges.StartOf(node) <= address)
            {
                floor = node;
                node = _right[node];
            }
            else
            {
                node = _left[node];
            }
        }
        return floor;
    }

    /// <summary>Adds a new range under its start: descends while the nodes outrank it, then splits the subtree there
    /// into its two children.</summary>
    /// <param name="slot">A range not in the treap, whose start no range in it has.</param>
    public void Insert(int slot)
    {
        Debug.Assert(IsCurrent, "the order is current");
        if (slot >= _left.Length)
        {
            int length = Math.Max(slot + 1, _left.Length * 2);
            Array.Resize(ref _left, length);
            Array.Resize(ref _right, length);
        }
        ulong key = _ranges.StartOf(slot);
        uint priority = Priority(slot);
        ref int link = ref _root;
        while (link != Nil && Priority(link) > priority)
            link = ref key < _ranges.StartOf(link) ? ref _left[link] : ref _right[link];
        // Split the subtree at `link` by key: smaller starts go left of the new node, larger ones right.
        int node = link;
        ref int smaller = ref _left[slot];
        ref int larger = ref _right[slot];
        while (node != Nil)
        {
            if (_ranges.StartOf(node) < key)
            {
                smaller = node;
                smaller = ref _right[node];
                node = smaller;
            }
            else
            {
                larger = node;
                larger = ref _left[node];
                node = larger;
            }
        }
        smaller = Nil;
        larger = Nil;
        link = slot;
    }

    /// <summary>Removes a range, under its current start; call it before the range's slot is returned.</summary>
    /// <param name="slot">A range in the treap.</param>
    public void Remove(int slot)
    {
        Debug.Assert(IsCurrent, "the order is current");
        ulong key = _ranges.StartOf(slot);
        ref int link = ref _root;
        while (link != slot)
        {
            Debug.Assert(link != Nil, "the range is in the treap");
            link = ref key < _ranges.StartOf(link) ? ref _left[link] : ref _right[link];
        }
        // Merge the children (all of the left's starts are below the right's) into the range's place.
        int left = _left[slot];
        int right = _right[slot];
        while (left != Nil && right != Nil)
        {
            if (Priority(left) > Priority(right))
            {
                link = left;
                link = ref _right[left];
                left = link;
            }
            else
            {
                link = right;
                link = ref _left[right];
                right = link;
            }
        }
        link = left != Nil ? left : right;
    }

    /// <summary>Debug: every <c>interval</c>th call (and the first), checks that an in-order walk of the treap visits
    /// every range once in ascending start order and that no child outranks its parent. O(n).</summary>
    /// <exception cref="InvalidOperationException">The order is broken.</exception>
    [Conditional("DEBUG")]
    public void CheckPeriodically(int interval)
    {
        if (!IsCurrent || _checks++ % interval != 0)
            return;
        var pending = new Stack<int>();
        int visited = 0;
        ulong previousEnd = 0;
        for (int node = _root; node != Nil || pending.Count > 0; node = _right[node])
        {
            for (; node != Nil; node = _left[node])
            {
                pending.Push(node);
                foreach (int child in (ReadOnlySpan<int>)[_left[node], _right[node]])
                {
                    if (child != Nil && Priority(child) > Priority(node))
                        throw new InvalidOperationException($"{_ranges.Corrupt}: the start order's heap is broken.");
                }
            }
            node = pending.Pop();
            if (!_ranges.IsLive(node) || (visited++ > 0 && _ranges.StartOf(node) <= previousEnd))
                throw new InvalidOperationException($"{_ranges.Corrupt}: the start order is wrong at slot {node}.");
            previousEnd = _ranges.EndOf(node);
        }
        if (visited != _ranges.RangeCount)
            throw new InvalidOperationException($"{_ranges.Corrupt}: the start order holds {visited} of {_ranges.RangeCount} ranges.");
    }

    /// <summary>A node's heap priority: a hash of its slot (lowbias32), so that it needs no storage and the treap's
    /// shape does not follow the order in which slots were rented (which often follows the addresses). Also the
    /// priority of best-fit's size-ordered treaps.</summary>
    internal static uint Priority(int slot)
    {
        uint x = (uint)slot + 0x9E3779B9u;
        x ^= x >> 16;
        x *= 0x7FEB352Du;
        x ^= x >> 15;
        x *= 0x846CA68Bu;
        x ^= x >> 16;
        return x;
    }
}
