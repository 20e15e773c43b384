namespace Cma.Plugins.BestFit;

/// <summary>
/// The holes of one exact size class (a single size) as a doubly-linked list threaded through the
/// <see cref="HoleArena"/> slots: <see cref="Hole.Left"/> is the previous hole, <see cref="Hole.Right"/> the next
/// (<see cref="HoleArena.Nil"/> at the ends), named by its head and tail (both Nil when empty). All holes of the list
/// have the same size, so any of them is a best fit; the search takes the head, and a new hole is linked in at the
/// head, so the hole of a size that came (or changed) last is used first (last in, first out: with the placement rule
/// it packs the Android recordings tighter and fails nothing on the stress trace, see the README). Every operation is
/// O(1) and touches at most the hole and its two neighbours (a push: the old head only).
/// E.g. push 7, then 3: head 3, tail 7, 3 → 7; remove 3: head and tail 7.
/// </summary>
internal static class HoleList
{
    /// <summary>Links <paramref name="hole"/> in at the head of the list (<paramref name="head"/>, <paramref name="tail"/>).</summary>
    public static void Push(Hole[] items, ref int head, ref int tail, int hole)
    {
        int first = head;
        items[hole].Left = HoleArena.Nil;
        items[hole].Right = first;
        if (first == HoleArena.Nil)
            tail = hole;
        else
            items[first].Left = hole;
        head = hole;
    }

    /// <summary>Unlinks <paramref name="hole"/>, which must be in the list (<paramref name="head"/>, <paramref name="tail"/>).</summary>
    public static void Remove(Hole[] items, ref int head, ref int tail, int hole)
    {
        int previous = items[hole].Left;
        int next = items[hole].Right;
        if (previous == HoleArena.Nil)
            head = next;
        else
            items[previous].Right = next;
        if (next == HoleArena.Nil)
            tail = previous;
        else
            items[next].Left = previous;
    }

    /// <summary>Checks the links of the list (each next's previous is the hole itself, the last hole is the tail, no
    /// cycle) and appends its holes, head first.</summary>
    /// <exception cref="InvalidOperationException">The list is malformed.</exception>
    public static void Audit(Hole[] items, int head, int tail, List<int> holes)
    {
        int previous = HoleArena.Nil;
        for (int hole = head, steps = 0; hole != HoleArena.Nil; hole = items[hole].Right, steps++)
        {
            if (steps > items.Length || (uint)hole >= (uint)items.Length || items[hole].Left != previous)
                throw new InvalidOperationException("best-fit size list has a cycle or a bad link.");
            holes.Add(hole);
            previous = hole;
        }
        if (previous != tail)
            throw new InvalidOperationException("best-fit size list's tail is wrong.");
    }
}
