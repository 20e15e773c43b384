using System.Diagnostics;
using System.Numerics;

namespace Cma.Runtime.Regions;

/// <summary>The searches for a place and the treap's node operations (see <see cref="FreeGapTree"/>).</summary>
internal sealed partial class FreeGapTree
{
    /// <summary>
    /// The highest address <paramref name="at"/> that is a multiple of <paramref name="alignment"/> (a power of two;
    /// absolute addresses), is at least <paramref name="lowest"/>, and has [at, at + <paramref name="size"/>) inside one
    /// gap; false when there is none. <paramref name="size"/> &gt; 0. Cost: O(log n) expected when the highest gap
    /// long enough also fits once aligned and bounded; each long-enough gap that does not (misaligned, or below
    /// <paramref name="lowest"/>) is visited and passed, so the worst case is O(n).
    /// </summary>
    public bool TryFindHighest(ulong size, ulong alignment, ulong lowest, out ulong at) =>
        TryFindHighest(size, alignment, lowest, ulong.MaxValue, out at);

    /// <summary><see cref="TryFindHighest(ulong, ulong, ulong, out ulong)"/> with the fit also ending at or below
    /// <paramref name="highestEnd"/> (at + size &lt;= highestEnd).</summary>
    public bool TryFindHighest(ulong size, ulong alignment, ulong lowest, ulong highestEnd, out ulong at)
    {
        Debug.Assert(size > 0, "A request must not be empty.");
        Debug.Assert(BitOperations.IsPow2(alignment), "The alignment must be a power of two.");
        return FindHighest(_root, size, ~(alignment - 1), lowest, highestEnd, out at);
    }

    /// <summary>
    /// The lowest address <paramref name="at"/> that is a multiple of <paramref name="alignment"/> (a power of two;
    /// absolute addresses), has at + <paramref name="size"/> &lt;= <paramref name="highestEnd"/>, and has
    /// [at, at + <paramref name="size"/>) inside one gap; false when there is none. <paramref name="size"/> &gt; 0.
    /// Cost as for <see cref="TryFindHighest(ulong, ulong, ulong, out ulong)"/>.
    /// </summary>
    public bool TryFindLowest(ulong size, ulong alignment, ulong highestEnd, out ulong at) =>
        TryFindLowest(size, alignment, 0, highestEnd, out at);

    /// <summary><see cref="TryFindLowest(ulong, ulong, ulong, out ulong)"/> with the fit also starting at or above
    /// <paramref name="lowest"/>.</summary>
    public bool TryFindLowest(ulong size, ulong alignment, ulong lowest, ulong highestEnd, out ulong at)
    {
        Debug.Assert(size > 0, "A request must not be empty.");
        Debug.Assert(BitOperations.IsPow2(alignment), "The alignment must be a power of two.");
        return FindLowest(_root, size, alignment - 1, lowest, highestEnd, out at);
    }

    /// <summary>The highest fit in subtree <paramref name="node"/> (see <see cref="TryFindHighest(ulong, ulong, ulong, ulong, out ulong)"/>):
    /// right subtree first, then the node, then the left subtree; subtrees without a gap of <paramref name="size"/>
    /// bytes, lying wholly below <paramref name="lowest"/>, or starting at or above <paramref name="highestEnd"/>, are
    /// skipped.</summary>
    private bool FindHighest(int node, ulong size, ulong alignMask, ulong lowest, ulong highestEnd, out ulong at)
    {
        at = 0;
        if (node == Nil || _nodes[node].MaxLength < size)
            return false;
        ulong start = _nodes[node].Start;
        if (start < highestEnd)
        {
            // Gaps to the right start above this one's start, so only while it is below the bound can they hold a fit.
            if (FindHighest(_nodes[node].Right, size, alignMask, lowest, highestEnd, out at))
                return true;
            ulong end = Math.Min(start + _nodes[node].Length, highestEnd);
            if (end <= lowest)
                return false; // this gap and every gap to its left end at or below the bound
            if (end - start >= size)
            {
                ulong place = (end - size) & alignMask;
                if (place >= start && place >= lowest)
                {
                    at = place;
                    return true;
                }
            }
        }
        // Gaps to the left end below this one's start; if that is at or below the bound, none can hold a fit.
        return start > lowest && FindHighest(_nodes[node].Left, size, alignMask, lowest, highestEnd, out at);
    }

    /// <summary>The lowest fit in subtree <paramref name="node"/> (see <see cref="TryFindLowest(ulong, ulong, ulong, ulong, out ulong)"/>):
    /// left subtree first, then the node, then the right subtree; subtrees without a gap of <paramref name="size"/>
    /// bytes, ending at or below <paramref name="lowest"/>, or starting too high for <paramref name="highestEnd"/>, are
    /// skipped.</summary>
    private bool FindLowest(int node, ulong size, ulong alignMask, ulong lowest, ulong highestEnd, out ulong at)
    {
        at = 0;
        if (node == Nil || _nodes[node].MaxLength < size)
            return false;
        ulong start = _nodes[node].Start;
        // Gaps to the left end at or below this one's start: only while that is above the bound can they hold a fit.
        if (start > lowest && FindLowest(_nodes[node].Left, size, alignMask, lowest, highestEnd, out at))
            return true;
        if (start >= highestEnd || highestEnd - start < size)
            return false; // this gap and every gap to its right start too high to end by the bound
        ulong limit = Math.Min(start + _nodes[node].Length, highestEnd);
        ulong from = Math.Max(start, lowest);
        ulong misalignment = from & alignMask;
        ulong up = misalignment == 0 ? 0 : alignMask + 1 - misalignment;
        if (from < limit && up <= ulong.MaxValue - from) // aligning up does not overflow
        {
            ulong place = from + up;
            if (place <= limit && limit - place >= size)
            {
                at = place;
                return true;
            }
        }
        return FindLowest(_nodes[node].Right, size, alignMask, lowest, highestEnd, out at);
    }

    /// <summary>A new tree node for gap [<paramref name="start"/>, +<paramref name="length"/>) with a fresh
    /// priority, from the free list or the array (doubled when full).</summary>
    private int NewNode(ulong start, ulong length)
    {
        int node = _freeList;
        if (node != Nil)
            _freeList = _nodes[node].Left;
        else
        {
            if (_used == _nodes.Length)
                Array.Resize(ref _nodes, _nodes.Length * 2);
            node = _used++;
        }
        _random ^= _random << 13;
        _random ^= _random >> 17;
        _random ^= _random << 5;
        _nodes[node] = new Node
        {
            Start = start, Length = length, MaxLength = length, Left = Nil, Right = Nil, Priority = _random,
        };
        return node;
    }

    /// <summary>Recomputes <see cref="Node.MaxLength"/> of <paramref name="node"/> from itself and its children.</summary>
    private void Pull(int node)
    {
        ref Node n = ref _nodes[node];
        ulong max = n.Length;
        if (n.Left != Nil)
            max = Math.Max(max, _nodes[n.Left].MaxLength);
        if (n.Right != Nil)
            max = Math.Max(max, _nodes[n.Right].MaxLength);
        n.MaxLength = max;
    }

    /// <summary>The gap with the greatest start &lt;= <paramref name="key"/>, or <see cref="Nil"/>.</summary>
    private int Floor(ulong key)
    {
        int found = Nil;
        for (int node = _root; node != Nil;)
        {
            if (_nodes[node].Start <= key)
                (found, node) = (node, _nodes[node].Right);
            else
                node = _nodes[node].Left;
        }
        return found;
    }

    /// <summary>The gap starting at <paramref name="key"/>, or <see cref="Nil"/>.</summary>
    private int Find(ulong key)
    {
        int node = Floor(key);
        return node != Nil && _nodes[node].Start == key ? node : Nil;
    }

    /// <summary>Recomputes the maxima on the path from <paramref name="node"/> down to the gap starting at
    /// <paramref name="key"/>, after that gap changed in place (in key order).</summary>
    private void Refresh(int node, ulong key)
    {
        if (node == Nil)
            return;
        if (key < _nodes[node].Start)
            Refresh(_nodes[node].Left, key);
        else if (key > _nodes[node].Start)
            Refresh(_nodes[node].Right, key);
        Pull(node);
    }

    /// <summary>Subtree <paramref name="node"/> with node <paramref name="added"/> inserted; returns its new root.</summary>
    private int Insert(int node, int added)
    {
        if (node == Nil)
            return added;
        if (_nodes[added].Priority > _nodes[node].Priority)
        {
            Split(node, _nodes[added].Start, out int left, out int right);
            (_nodes[added].Left, _nodes[added].Right) = (left, right);
            Pull(added);
            return added;
        }
        if (_nodes[added].Start < _nodes[node].Start)
            _nodes[node].Left = Insert(_nodes[node].Left, added);
        else
            _nodes[node].Right = Insert(_nodes[node].Right, added);
        Pull(node);
        return node;
    }

    /// <summary>Splits subtree <paramref name="node"/> into the gaps starting below <paramref name="key"/> and the
    /// rest.</summary>
    private void Split(int node, ulong key, out int left, out int right)
    {
        if (node == Nil)
        {
            (left, right) = (Nil, Nil);
            return;
        }
        if (_nodes[node].Start < key)
        {
            Split(_nodes[node].Right, key, out int lower, out right);
            _nodes[node].Right = lower;
            left = node;
        }
        else
        {
            Split(_nodes[node].Left, key, out left, out int upper);
            _nodes[node].Left = upper;
            right = node;
        }
        Pull(node);
    }

    /// <summary>Joins subtrees <paramref name="left"/> and <paramref name="right"/> (every start in the first below
    /// every start in the second); returns the new root.</summary>
    private int Merge(int left, int right)
    {
        if (left == Nil)
            return right;
        if (right == Nil)
            return left;
        if (_nodes[left].Priority > _nodes[right].Priority)
        {
            _nodes[left].Right = Merge(_nodes[left].Right, right);
            Pull(left);
            return left;
        }
        _nodes[right].Left = Merge(left, _nodes[right].Left);
        Pull(right);
        return right;
    }

    /// <summary>Subtree <paramref name="node"/> without the gap starting at <paramref name="key"/> (which must be
    /// there; its slot goes to the free list); returns the new root.</summary>
    private int Remove(int node, ulong key)
    {
        Debug.Assert(node != Nil, "The gap to remove must be in the tree.");
        if (key == _nodes[node].Start)
        {
            int joined = Merge(_nodes[node].Left, _nodes[node].Right);
            _nodes[node].Left = _freeList;
            _freeList = node;
            return joined;
        }
        if (key < _nodes[node].Start)
            _nodes[node].Left = Remove(_nodes[node].Left, key);
        else
            _nodes[node].Right = Remove(_nodes[node].Right, key);
        Pull(node);
        return node;
    }
}
