using System.Diagnostics;

namespace Cma.Runtime.Regions;

/// <summary>
/// The free gaps (maximal free address intervals) of one address range, for placing movable chunks in a reusable
/// region and checking that a range is free. A treap keyed by gap start, stored in a struct array (int links, a free
/// list for node reuse, growth by doubling), each node also holding the largest gap length of its subtree so a search
/// can skip subtrees that cannot hold a request. Operations cost O(log n) expected (searches: see
/// <see cref="TryFindHighest(ulong, ulong, ulong, out ulong)"/>) and allocate nothing once the array is large enough. Priorities come from a seeded
/// xorshift, so behaviour is deterministic. Not thread-safe: used under the owner's lock.
/// </summary>
internal sealed partial class FreeGapTree
{
    /// <summary>The "no node" link.</summary>
    private const int Nil = -1;

    /// <summary>One gap and its treap links.</summary>
    private struct Node
    {
        /// <summary>First free address of the gap.</summary>
        public ulong Start;

        /// <summary>Bytes in the gap (&gt; 0).</summary>
        public ulong Length;

        /// <summary>The largest <see cref="Length"/> in this node's subtree (itself included).</summary>
        public ulong MaxLength;

        /// <summary>Left child (smaller starts), or <see cref="Nil"/>; for a free node, the next free node.</summary>
        public int Left;

        /// <summary>Right child (larger starts), or <see cref="Nil"/>.</summary>
        public int Right;

        /// <summary>Heap priority: a parent's is never below its children's.</summary>
        public uint Priority;
    }

    /// <summary>Node storage; slots not in the tree are on the free list.</summary>
    private Node[] _nodes = new Node[16];

    /// <summary>The number of slots of <see cref="_nodes"/> ever handed out (the rest were never used).</summary>
    private int _used;

    /// <summary>Head of the free-slot list (linked through <see cref="Node.Left"/>), or <see cref="Nil"/>.</summary>
    private int _freeList = Nil;

    /// <summary>The treap's root, or <see cref="Nil"/> when there is no gap.</summary>
    private int _root = Nil;

    /// <summary>Xorshift32 state for node priorities (never 0).</summary>
    private uint _random = 0x9E3779B9u;

    /// <summary>A tree with one gap, [<paramref name="start"/>, <paramref name="start"/> + <paramref name="size"/>);
    /// <paramref name="size"/> &gt; 0 and the end must not overflow.</summary>
    public FreeGapTree(ulong start, ulong size)
    {
        Debug.Assert(size > 0, "A gap tree needs a non-empty range.");
        Debug.Assert(start <= ulong.MaxValue - size, "The range must not overflow.");
        Start = start;
        End = start + size;
        _root = NewNode(start, size);
        FreeBytes = size;
        GapCount = 1;
    }

    /// <summary>First address of the tracked range.</summary>
    public ulong Start { get; }

    /// <summary>End (exclusive) of the tracked range: start + size.</summary>
    public ulong End { get; }

    /// <summary>The sum of the gap lengths, maintained incrementally.</summary>
    public ulong FreeBytes { get; private set; }

    /// <summary>The number of gaps.</summary>
    public int GapCount { get; private set; }

    /// <summary>The length of the largest gap; 0 when there is none.</summary>
    public ulong LargestGap => _root == Nil ? 0 : _nodes[_root].MaxLength;

    /// <summary>Whether [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) lies inside one
    /// gap (<paramref name="length"/> &gt; 0). Changes nothing.</summary>
    public bool IsFree(ulong start, ulong length) => ContainingGap(start, length) != Nil;

    /// <summary>When [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) lies inside one
    /// gap, removes it from that gap (shrinking or splitting it) and returns true; otherwise returns false and changes
    /// nothing. <paramref name="length"/> &gt; 0.</summary>
    public bool TryOccupy(ulong start, ulong length)
    {
        int gap = ContainingGap(start, length);
        if (gap == Nil)
            return false;
        ulong gapStart = _nodes[gap].Start;
        ulong gapEnd = gapStart + _nodes[gap].Length;
        ulong end = start + length;
        if (start == gapStart && end == gapEnd)
        {
            _root = Remove(_root, gapStart);
            GapCount--;
        }
        else if (start == gapStart)
        {
            // The start moves up but stays below the next gap's: the key order holds.
            _nodes[gap].Start = end;
            _nodes[gap].Length = gapEnd - end;
            Refresh(_root, end);
        }
        else
        {
            _nodes[gap].Length = start - gapStart;
            Refresh(_root, gapStart);
            if (end != gapEnd)
            {
                _root = Insert(_root, NewNode(end, gapEnd - end));
                GapCount++;
            }
        }
        FreeBytes -= length;
        return true;
    }

    /// <summary>When [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) lies inside
    /// [<see cref="Start"/>, <see cref="End"/>) and overlaps no gap, adds it as free (merging with a gap that ends
    /// exactly at <paramref name="start"/> and/or one that starts exactly at its end) and returns true; otherwise
    /// returns false and changes nothing. <paramref name="length"/> &gt; 0.</summary>
    public bool TryRelease(ulong start, ulong length)
    {
        Debug.Assert(length > 0, "A released range must not be empty.");
        if (!InRange(start, length))
            return false;
        ulong end = start + length;
        int before = Floor(end - 1); // the last gap starting below end: the only one that could overlap
        bool mergeLeft = false;
        if (before != Nil)
        {
            ulong beforeEnd = _nodes[before].Start + _nodes[before].Length;
            if (beforeEnd > start)
                return false;
            mergeLeft = beforeEnd == start;
        }
        int after = end == End ? Nil : Find(end);
        if (mergeLeft && after != Nil)
        {
            _nodes[before].Length += length + _nodes[after].Length;
            _root = Remove(_root, end);
            Refresh(_root, _nodes[before].Start);
            GapCount--;
        }
        else if (mergeLeft)
        {
            _nodes[before].Length += length;
            Refresh(_root, _nodes[before].Start);
        }
        else if (after != Nil)
        {
            // The start moves down but stays above the previous gap's end: the key order holds.
            _nodes[after].Start = start;
            _nodes[after].Length += length;
            Refresh(_root, start);
        }
        else
        {
            _root = Insert(_root, NewNode(start, length));
            GapCount++;
        }
        FreeBytes += length;
        return true;
    }

    /// <summary>The free interval that the occupied range [<paramref name="start"/>, <paramref name="start"/> +
    /// <paramref name="length"/>) (inside the tracked range, in no gap) would be part of if released: Start is the
    /// start of the gap ending exactly at <paramref name="start"/> (else <paramref name="start"/>), End the end of the
    /// gap starting exactly at its end (else its end). Changes nothing.</summary>
    public (ulong Start, ulong End) FreeAround(ulong start, ulong length)
    {
        Debug.Assert(length > 0 && InRange(start, length), "The range must be non-empty and inside the tracked range.");
        ulong end = start + length;
        ulong low = start;
        int before = start == 0 ? Nil : Floor(start - 1);
        if (before != Nil && _nodes[before].Start + _nodes[before].Length == start)
            low = _nodes[before].Start;
        ulong high = end;
        int after = end == End ? Nil : Find(end);
        if (after != Nil)
            high = end + _nodes[after].Length;
        return (low, high);
    }

    /// <summary>Appends every gap to <paramref name="into"/> in address order (for tests and diagnostics).</summary>
    public void CopyGapsTo(List<(ulong Start, ulong End)> into) => CopyGaps(_root, into);

    /// <summary>Whether a range lies inside [<see cref="Start"/>, <see cref="End"/>) (its end cannot overflow then).</summary>
    private bool InRange(ulong start, ulong length) => start >= Start && start < End && length <= End - start;

    /// <summary>The gap holding all of [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>),
    /// or <see cref="Nil"/>.</summary>
    private int ContainingGap(ulong start, ulong length)
    {
        Debug.Assert(length > 0, "A range must not be empty.");
        if (!InRange(start, length))
            return Nil;
        int gap = Floor(start);
        return gap != Nil && start + length - _nodes[gap].Start <= _nodes[gap].Length ? gap : Nil;
    }

    /// <summary>Appends the gaps of subtree <paramref name="node"/> to <paramref name="into"/> in order.</summary>
    private void CopyGaps(int node, List<(ulong Start, ulong End)> into)
    {
        if (node == Nil)
            return;
        CopyGaps(_nodes[node].Left, into);
        into.Add((_nodes[node].Start, _nodes[node].Start + _nodes[node].Length));
        CopyGaps(_nodes[node].Right, into);
    }
}
