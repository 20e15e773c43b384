using System.Diagnostics;

namespace Cma.Plugins.Tlsf;

/// <summary>
/// The free blocks in start order, for <see cref="TlsfAllocator.TryReserve"/> only: the block with the greatest start at
/// or below a granule (the one that may contain a range strictly inside it) in O(log n) expected.
/// <para>It is kept off the hot path, whose O(1) bound it would break. <see cref="TlsfAllocator.TryAllocate"/> and
/// <see cref="TlsfAllocator.Free"/> do not maintain it; they only mark it stale (<see cref="Invalidate"/>, one store). A
/// reserve that needs it while it is stale answers by a walk of the lists (O(free blocks), as without it) the first
/// time; a second such reserve with no allocation or free in between (a run of reserves: a live allocator swap or a
/// restore) builds it in O(n log n), and from then on every reserve of the run keeps it up to date in O(log n) expected.
/// An isolated reserve between allocations thus never costs more than a walk, and a run of k reserves costs
/// O(n log n + k log n) instead of O(k n).</para>
/// <para>A treap keyed by block start with the links in two int arrays indexed by block slot, and each node's priority a
/// hash of its slot (no storage): 8 bytes per block slot, allocated the first time it is built, none before. Blocks
/// never overlap, so a block whose start moves without crossing another block (carved from its head) keeps its place.</para>
/// </summary>
internal sealed class BlockStartOrder
{
    /// <summary>The block records; keys are read from their <see cref="FreeBlock.Start"/>.</summary>
    private readonly FreeLists _lists;

    /// <summary>Per block slot, the treap child with a smaller start, or <see cref="FreeLists.None"/>.</summary>
    private int[] _left = [];

    /// <summary>Per block slot, the treap child with a larger start, or <see cref="FreeLists.None"/>.</summary>
    private int[] _right = [];

    /// <summary>The treap's root, or <see cref="FreeLists.None"/>; meaningful only while <see cref="IsCurrent"/>.</summary>
    private int _root = FreeLists.None;

    /// <summary>Where the order stands with respect to the blocks.</summary>
    private State _state;

    /// <summary>Calls of <see cref="CheckPeriodically"/> while current (Debug).</summary>
    private int _checks;

    /// <summary>Creates a stale, unbuilt order over the blocks of <paramref name="lists"/>.</summary>
    public BlockStartOrder(FreeLists lists) => _lists = lists;

    /// <summary>Where the order stands: stale, stale with one scan done since the last allocation or free, or current.</summary>
    private enum State
    {
        /// <summary>An allocation or free may have changed the blocks since the treap was last right.</summary>
        Stale,

        /// <summary>Stale, and a reserve has scanned since the last allocation or free: the next one builds.</summary>
        Scanned,

        /// <summary>The treap holds exactly the blocks, in start order.</summary>
        Current,
    }

    /// <summary>Whether the treap holds exactly the blocks; reserves must then keep it so.</summary>
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

    /// <summary>Rebuilds the treap from every free block: collects them from the lists, sorts them by start, then links
    /// them as a Cartesian tree on their priorities with a stack of the right spine. O(n log n).</summary>
    public void Build()
    {
        var slots = new int[_lists.Count];
        var starts = new ulong[slots.Length];
        int n = 0;
        int highest = -1;
        for (int list = _lists.FirstNonEmpty(0); list != FreeLists.None; list = _lists.FirstNonEmpty(list + 1))
        {
            for (int slot = _lists.Head(list); slot != FreeLists.None; slot = _lists[slot].Next)
            {
                slots[n] = slot;
                starts[n++] = _lists[slot].Start;
                highest = Math.Max(highest, slot);
            }
        }
        Debug.Assert(n == slots.Length, "the lists hold Count blocks");
        if (_left.Length <= highest)
        {
            _left = new int[(highest + 1) * 2];
            _right = new int[_left.Length];
        }
        Array.Sort(starts, slots);
        // The right spine of the tree so far, root first; each new (largest) start hangs at its end.
        var spine = new int[n];
        int depth = 0;
        foreach (int slot in slots)
        {
            uint priority = Priority(slot);
            int below = FreeLists.None;
            while (depth > 0 && Priority(spine[depth - 1]) < priority)
                below = spine[--depth];
            _left[slot] = below;
            _right[slot] = FreeLists.None;
            if (depth > 0)
                _right[spine[depth - 1]] = slot;
            spine[depth++] = slot;
        }
        _root = depth > 0 ? spine[0] : FreeLists.None;
        _state = State.Current;
    }

    /// <summary>The block with the greatest start at or below granule <paramref name="start"/>, or <see cref="FreeLists.None"/>.</summary>
    public int Floor(ulong start)
    {
        Debug.Assert(IsCurrent, "the order is current");
        int floor = FreeLists.None;
        for (int node = _root; node != FreeLists.None;)
        {
            if (_lists[node].Start <= start)
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

    /// <summary>Adds a new block under its start: descends while the nodes outrank it, then splits the subtree there
    /// into its two children.</summary>
    /// <param name="block">A block not in the treap, whose start no block in it has.</param>
    public void Insert(int block)
    {
        Debug.Assert(IsCurrent, "the order is current");
        if (block >= _left.Length)
        {
            int length = (block + 1) * 2;
            Array.Resize(ref _left, length);
            Array.Resize(ref _right, length);
        }
        ulong key = _lists[block].Start;
        uint priority = Priority(block);
        ref int link = ref _root;
        while (link != FreeLists.None && Priority(link) > priority)
            link = ref key < _lists[link].Start ? ref _left[link] : ref _right[link];
        // Split the subtree at `link` by key: smaller starts go left of the new node, larger ones right.
        int node = link;
        ref int smaller = ref _left[block];
        ref int larger = ref _right[block];
        while (node != FreeLists.None)
        {
            if (_lists[node].Start < key)
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
        smaller = FreeLists.None;
        larger = FreeLists.None;
        link = block;
    }

    /// <summary>Removes a block, under its current start; call it before the block's slot is returned.</summary>
    /// <param name="block">A block in the treap.</param>
    public void Remove(int block)
    {
        Debug.Assert(IsCurrent, "the order is current");
        ulong key = _lists[block].Start;
        ref int link = ref _root;
        while (link != block)
        {
            Debug.Assert(link != FreeLists.None, "the block is in the treap");
            link = ref key < _lists[link].Start ? ref _left[link] : ref _right[link];
        }
        // Merge the children (all of the left's starts are below the right's) into the block's place.
        int left = _left[block];
        int right = _right[block];
        while (left != FreeLists.None && right != FreeLists.None)
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
        link = left != FreeLists.None ? left : right;
    }

    /// <summary>Debug: every <c>interval</c>th call (and the first), checks that an in-order walk of the treap visits
    /// every block once in ascending start order and that no child outranks its parent. O(n).</summary>
    /// <exception cref="InvalidOperationException">The order is broken.</exception>
    [Conditional("DEBUG")]
    public void CheckPeriodically(int interval)
    {
        if (!IsCurrent || _checks++ % interval != 0)
            return;
        var pending = new Stack<int>();
        int visited = 0;
        ulong previousEnd = 0;
        for (int node = _root; node != FreeLists.None || pending.Count > 0; node = _right[node])
        {
            for (; node != FreeLists.None; node = _left[node])
            {
                pending.Push(node);
                foreach (int child in (ReadOnlySpan<int>)[_left[node], _right[node]])
                {
                    if (child != FreeLists.None && Priority(child) > Priority(node))
                        throw new InvalidOperationException("TLSF allocator corrupted: the start order's heap is broken.");
                }
            }
            node = pending.Pop();
            if (visited++ > 0 && _lists[node].Start <= previousEnd)
                throw new InvalidOperationException($"TLSF allocator corrupted: the start order is wrong at block {node}.");
            previousEnd = _lists[node].End;
        }
        if ((ulong)visited != _lists.Count)
            throw new InvalidOperationException($"TLSF allocator corrupted: the start order holds {visited} of {_lists.Count} blocks.");
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
