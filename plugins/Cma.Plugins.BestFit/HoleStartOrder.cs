using System.Diagnostics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// The holes in start-address order, for <see cref="BestFitAllocator.TryReserve"/> only: the hole with the greatest
/// start at or below an address (the one that may contain a range strictly inside it) in O(log n) expected.
/// <para>It is kept off the hot path. <see cref="BestFitAllocator.TryAllocate"/> and <see cref="BestFitAllocator.Free"/>
/// do not maintain it; they only mark it stale (<see cref="Invalidate"/>, one store). A reserve that needs it while it
/// is stale answers by a scan of the holes (O(n), as without it) the first time; a second such reserve with no
/// allocation or free in between (a run of reserves: a live allocator swap or a restore) builds it in O(n log n), and
/// from then on every reserve of the run keeps it up to date in O(log n) expected. An isolated reserve between
/// allocations thus never costs more than a scan, and a run of k reserves costs O(n log n + k log n) instead of O(k n).</para>
/// <para>A treap keyed by hole start with the links in two int arrays indexed by hole slot, and each node's priority a
/// hash of its slot (no storage): 8 bytes per hole slot, allocated the first time it is built, none before. Holes never
/// overlap, so a hole whose start moves without crossing another hole (carved from its head) keeps its place.</para>
/// </summary>
internal sealed class HoleStartOrder
{
    /// <summary>The holes the treap orders; keys are read from their <see cref="Hole.Start"/>.</summary>
    private readonly HoleArena _arena;

    /// <summary>Per hole slot, the treap child with a smaller start, or <see cref="HoleArena.Nil"/>.</summary>
    private int[] _left = [];

    /// <summary>Per hole slot, the treap child with a larger start, or <see cref="HoleArena.Nil"/>.</summary>
    private int[] _right = [];

    /// <summary>The treap's root, or <see cref="HoleArena.Nil"/>; meaningful only while <see cref="IsCurrent"/>.</summary>
    private int _root = HoleArena.Nil;

    /// <summary>Where the order stands with respect to the holes.</summary>
    private State _state;

    /// <summary>Calls of <see cref="CheckPeriodically"/> while current (Debug).</summary>
    private int _checks;

    /// <summary>Creates a stale, unbuilt order over the holes of <paramref name="arena"/>.</summary>
    public HoleStartOrder(HoleArena arena) => _arena = arena;

    /// <summary>Where the order stands: stale, stale with one scan done since the last allocation or free, or current.</summary>
    private enum State
    {
        /// <summary>An allocation or free may have changed the holes since the treap was last right.</summary>
        Stale,

        /// <summary>Stale, and a reserve has scanned since the last allocation or free: the next one builds.</summary>
        Scanned,

        /// <summary>The treap holds exactly the holes, in start order.</summary>
        Current,
    }

    /// <summary>Whether the treap holds exactly the holes; reserves must then keep it so.</summary>
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

    /// <summary>Rebuilds the treap from every hole in the arena: sorts them by start, then links them as a Cartesian
    /// tree on their priorities with a stack of the right spine. O(n log n).</summary>
    public void Build()
    {
        Hole[] items = _arena.Items;
        if (_left.Length < items.Length)
        {
            _left = new int[items.Length];
            _right = new int[items.Length];
        }
        var slots = new int[_arena.Count];
        var starts = new ulong[_arena.Count];
        int n = 0;
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i].Size != 0)
            {
                slots[n] = i;
                starts[n++] = items[i].Start;
            }
        }
        Debug.Assert(n == slots.Length, "every rented slot holds a hole and every free slot has size 0");
        Array.Sort(starts, slots);
        // The right spine of the tree so far, root first; each new (largest) start hangs at its end.
        var spine = new int[n];
        int depth = 0;
        foreach (int slot in slots)
        {
            uint priority = Priority(slot);
            int below = HoleArena.Nil;
            while (depth > 0 && Priority(spine[depth - 1]) < priority)
                below = spine[--depth];
            _left[slot] = below;
            _right[slot] = HoleArena.Nil;
            if (depth > 0)
                _right[spine[depth - 1]] = slot;
            spine[depth++] = slot;
        }
        _root = depth > 0 ? spine[0] : HoleArena.Nil;
        _state = State.Current;
    }

    /// <summary>The hole with the greatest start at or below <paramref name="address"/>, or <see cref="HoleArena.Nil"/>.</summary>
    public int Floor(ulong address)
    {
        Debug.Assert(IsCurrent, "the order is current");
        Hole[] items = _arena.Items;
        int floor = HoleArena.Nil;
        for (int node = _root; node != HoleArena.Nil;)
        {
            if (items[node].Start <= address)
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

    /// <summary>Adds a new hole under its start: descends while the nodes outrank it, then splits the subtree there
    /// into its two children.</summary>
    /// <param name="hole">A hole not in the treap, whose start no hole in it has.</param>
    public void Insert(int hole)
    {
        Debug.Assert(IsCurrent, "the order is current");
        if (hole >= _left.Length)
        {
            int length = Math.Max(hole + 1, _arena.Items.Length);
            Array.Resize(ref _left, length);
            Array.Resize(ref _right, length);
        }
        Hole[] items = _arena.Items;
        ulong key = items[hole].Start;
        uint priority = Priority(hole);
        ref int link = ref _root;
        while (link != HoleArena.Nil && Priority(link) > priority)
            link = ref key < items[link].Start ? ref _left[link] : ref _right[link];
        // Split the subtree at `link` by key: smaller starts go left of the new node, larger ones right.
        int node = link;
        ref int smaller = ref _left[hole];
        ref int larger = ref _right[hole];
        while (node != HoleArena.Nil)
        {
            if (items[node].Start < key)
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
        smaller = HoleArena.Nil;
        larger = HoleArena.Nil;
        link = hole;
    }

    /// <summary>Removes a hole, under its current start; call it before the hole's slot is returned.</summary>
    /// <param name="hole">A hole in the treap.</param>
    public void Remove(int hole)
    {
        Debug.Assert(IsCurrent, "the order is current");
        Hole[] items = _arena.Items;
        ulong key = items[hole].Start;
        ref int link = ref _root;
        while (link != hole)
        {
            Debug.Assert(link != HoleArena.Nil, "the hole is in the treap");
            link = ref key < items[link].Start ? ref _left[link] : ref _right[link];
        }
        // Merge the children (all of the left's starts are below the right's) into the hole's place.
        int left = _left[hole];
        int right = _right[hole];
        while (left != HoleArena.Nil && right != HoleArena.Nil)
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
        link = left != HoleArena.Nil ? left : right;
    }

    /// <summary>Debug: every <c>interval</c>th call (and the first), checks that an in-order walk of the treap visits
    /// every hole once in ascending start order and that no child outranks its parent. O(n).</summary>
    /// <exception cref="InvalidOperationException">The order is broken.</exception>
    [Conditional("DEBUG")]
    public void CheckPeriodically(int interval)
    {
        if (!IsCurrent || _checks++ % interval != 0)
            return;
        Hole[] items = _arena.Items;
        var pending = new Stack<int>();
        int visited = 0;
        ulong previousEnd = 0;
        for (int node = _root; node != HoleArena.Nil || pending.Count > 0; node = _right[node])
        {
            for (; node != HoleArena.Nil; node = _left[node])
            {
                pending.Push(node);
                foreach (int child in (ReadOnlySpan<int>)[_left[node], _right[node]])
                {
                    if (child != HoleArena.Nil && Priority(child) > Priority(node))
                        throw new InvalidOperationException("best-fit free space is corrupt: the start order's heap is broken.");
                }
            }
            node = pending.Pop();
            if (items[node].Size == 0 || (visited++ > 0 && items[node].Start <= previousEnd))
                throw new InvalidOperationException($"best-fit free space is corrupt: the start order is wrong at hole {node}.");
            previousEnd = items[node].End;
        }
        if (visited != _arena.Count)
            throw new InvalidOperationException($"best-fit free space is corrupt: the start order holds {visited} of {_arena.Count} holes.");
    }

    /// <summary>A node's heap priority: a hash of its slot (lowbias32), so that it needs no storage and the treap's
    /// shape does not follow the order in which slots were rented (which often follows the addresses).</summary>
    private static uint Priority(int slot)
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
