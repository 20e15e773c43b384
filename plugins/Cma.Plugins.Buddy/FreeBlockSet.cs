using System.Diagnostics;
using System.Numerics;

namespace Cma.Plugins.Buddy;

/// <summary>
/// The free blocks of a buddy allocator: one intrusive doubly-linked list per order over a pooled array of
/// nodes, a bitmask of the non-empty orders (so "smallest non-empty order ≥ k" is one instruction), and a
/// <see cref="BlockIndexMap"/> from start index to node so that a given block (a buddy) is found and unlinked
/// in O(1); the map also knows each node's entry, so taking the head of a list hashes nothing. It knows nothing
/// of regions or merging; <see cref="BuddyAllocator"/> decides what goes in.
/// </summary>
internal sealed class FreeBlockSet
{
    /// <summary>No node: the end of a list, an empty list, or an exhausted pool.</summary>
    private const int None = -1;

    /// <summary>The node pool. Slots below <see cref="_highWater"/> are either a free block (linked in the list of
    /// its order) or unused (linked through <see cref="Node.Next"/> from <see cref="_unusedSlot"/>).</summary>
    private Node[] _nodes;

    /// <summary>Number of slots ever handed out; slots at or above it are untouched.</summary>
    private int _highWater;

    /// <summary>First unused slot below <see cref="_highWater"/>, or <see cref="None"/>.</summary>
    private int _unusedSlot = None;

    /// <summary>Head slot of each order's list (most recently added first), or <see cref="None"/>.</summary>
    private readonly int[] _heads = new int[BuddyMath.HighestOrder + 1];

    /// <summary>Bit k is set exactly when the list of order k is non-empty.</summary>
    private ulong _nonEmptyOrders;

    /// <summary>Start index → (order, slot), for every free block and nothing else.</summary>
    private readonly BlockIndexMap _map;

    /// <summary>Creates an empty set with room for <paramref name="capacity"/> blocks before it grows.</summary>
    public FreeBlockSet(int capacity)
    {
        _nodes = new Node[Math.Max(8, capacity)];
        _map = new BlockIndexMap(capacity);
        Array.Fill(_heads, None);
    }

    /// <summary>Number of free blocks.</summary>
    public ulong Count { get; private set; }

    /// <summary>Total granules in free blocks.</summary>
    public ulong Granules { get; private set; }

    /// <summary>The order of the largest free block, or −1 when there is none.</summary>
    public int LargestOrder => _nonEmptyOrders == 0 ? -1 : BitOperations.Log2(_nonEmptyOrders);

    /// <summary>Adds the free block at <paramref name="index"/> of <paramref name="order"/> (no merging).</summary>
    /// <exception cref="InvalidOperationException">A free block already starts there: the state is corrupt
    /// (for example a double free).</exception>
    public void Add(ulong index, int order)
    {
        int slot = RentSlot();
        if (!_map.TryAdd(index, slot, order))
        {
            ReturnSlot(slot);
            throw new InvalidOperationException($"Buddy allocator corrupted: a free block already starts at granule index 0x{index:X} (double free?).");
        }
        ref Node node = ref _nodes[slot];
        node.Index = index;
        node.Prev = None;
        node.Next = _heads[order];
        if (node.Next != None)
            _nodes[node.Next].Prev = slot;
        _heads[order] = slot;
        _nonEmptyOrders |= 1UL << order;
        Count++;
        Granules += BuddyMath.Granules(order);
    }

    /// <summary>Removes the free block at <paramref name="index"/> if it has exactly <paramref name="order"/>
    /// (a buddy ready to merge); false and no change otherwise.</summary>
    public bool TryTake(ulong index, int order)
    {
        int position = _map.Find(index);
        if (position < 0 || _map.OrderAt(position) != order)
            return false;
        int slot = _map.SlotAt(position);
        _map.RemoveAt(position);
        Unlink(slot, order);
        return true;
    }

    /// <summary>Removes a free block of the smallest non-empty order ≥ <paramref name="minOrder"/>, the most
    /// recently added of that order; false when there is none.</summary>
    public bool TryTakeSmallest(int minOrder, out ulong index, out int order)
    {
        Debug.Assert(minOrder is >= 0 and <= BuddyMath.HighestOrder);
        ulong candidates = _nonEmptyOrders & (ulong.MaxValue << minOrder);
        if (candidates == 0)
        {
            index = 0;
            order = -1;
            return false;
        }
        order = BitOperations.TrailingZeroCount(candidates);
        int slot = _heads[order];
        index = _nodes[slot].Index;
        _map.RemoveAt(_map.PositionOf(slot));
        Unlink(slot, order);
        return true;
    }

    /// <summary>Removes the first free block, searching orders upward from <paramref name="minOrder"/>, whose index
    /// is a multiple of 2^<paramref name="alignOrder"/>; false when there is none. Walks the lists: O(free blocks).</summary>
    public bool TryTakeAligned(int minOrder, int alignOrder, out ulong index, out int order)
    {
        ulong alignMask = BuddyMath.Granules(alignOrder) - 1;
        for (order = minOrder; order <= BuddyMath.HighestOrder; order++)
        {
            for (int slot = _heads[order]; slot != None; slot = _nodes[slot].Next)
            {
                index = _nodes[slot].Index;
                if ((index & alignMask) == 0)
                {
                    _map.RemoveAt(_map.PositionOf(slot));
                    Unlink(slot, order);
                    return true;
                }
            }
        }
        index = 0;
        order = -1;
        return false;
    }

    /// <summary>The order of the free block starting at <paramref name="index"/>, or −1 if none starts there.</summary>
    public int OrderAt(ulong index)
    {
        int position = _map.Find(index);
        return position < 0 ? -1 : _map.OrderAt(position);
    }

    /// <summary>Calls <paramref name="visit"/> for every free block (checks only; not for hot paths).</summary>
    public void ForEach<TVisitor>(ref TVisitor visit)
        where TVisitor : struct, IFreeBlockVisitor
    {
        for (int order = 0; order <= BuddyMath.HighestOrder; order++)
        {
            for (int slot = _heads[order]; slot != None; slot = _nodes[slot].Next)
                visit.Visit(_nodes[slot].Index, order);
        }
    }

    /// <summary>Checks the set's own bookkeeping: list links and orders, the non-empty mask, the map (both ways),
    /// the counts.</summary>
    /// <exception cref="InvalidOperationException">Something does not add up.</exception>
    public void CheckStructure()
    {
        ulong count = 0, granules = 0;
        for (int order = 0; order <= BuddyMath.HighestOrder; order++)
        {
            int prev = None;
            for (int slot = _heads[order]; slot != None; slot = _nodes[slot].Next)
            {
                ref Node node = ref _nodes[slot];
                int position = _map.Find(node.Index);
                if (node.Prev != prev || position < 0 || _map.SlotAt(position) != slot || _map.StoredPositionOf(slot) != position
                    || _map.OrderAt(position) != order || count > (ulong)_highWater)
                    throw Corrupt($"the list of order {order} is broken at slot {slot} (index 0x{node.Index:X})");
                count++;
                granules += BuddyMath.Granules(order);
                prev = slot;
            }
            if ((_heads[order] != None) != ((_nonEmptyOrders >> order & 1) != 0))
                throw Corrupt($"the non-empty mask disagrees with the list of order {order}");
        }
        if (count != Count || granules != Granules || (ulong)_map.Count != count)
            throw Corrupt($"counted {count} blocks of {granules} granules, map holds {_map.Count}, bookkeeping says {Count} blocks of {Granules} granules");
    }

    /// <summary>The exception for corrupt state.</summary>
    public static InvalidOperationException Corrupt(string what) => new($"Buddy allocator corrupted: {what}.");

    /// <summary>Unlinks an occupied slot from the list of <paramref name="order"/> and returns it to the pool.</summary>
    private void Unlink(int slot, int order)
    {
        ref Node node = ref _nodes[slot];
        if (node.Prev != None)
            _nodes[node.Prev].Next = node.Next;
        else
            _heads[order] = node.Next;
        if (node.Next != None)
            _nodes[node.Next].Prev = node.Prev;
        if (_heads[order] == None)
            _nonEmptyOrders &= ~(1UL << order);
        Count--;
        Granules -= BuddyMath.Granules(order);
        ReturnSlot(slot);
    }

    /// <summary>An unused slot, growing the pool by doubling when needed.</summary>
    private int RentSlot()
    {
        if (_unusedSlot != None)
        {
            int slot = _unusedSlot;
            _unusedSlot = _nodes[slot].Next;
            return slot;
        }
        if (_highWater == _nodes.Length)
            Array.Resize(ref _nodes, _nodes.Length * 2);
        return _highWater++;
    }

    /// <summary>Puts a slot back on the unused list.</summary>
    private void ReturnSlot(int slot)
    {
        _nodes[slot].Next = _unusedSlot;
        _unusedSlot = slot;
    }

    /// <summary>A free block's node (16 bytes): its start index and its neighbours in the list of its order (the
    /// order itself is in the map's entry).</summary>
    private struct Node
    {
        /// <summary>Start index (absolute address / granule); a multiple of 2^order.</summary>
        public ulong Index;

        /// <summary>Next slot in the list (or in the unused list), or <see cref="None"/>.</summary>
        public int Next;

        /// <summary>Previous slot in the list, or <see cref="None"/> for the head.</summary>
        public int Prev;
    }
}
