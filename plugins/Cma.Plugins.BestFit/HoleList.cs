namespace Cma.Plugins.BestFit;

/// <summary>
/// The holes of one exact size class (a single size) as a circular doubly-linked list threaded through the
/// <see cref="HoleArena"/> slots: <see cref="Hole.Left"/> is the previous hole, <see cref="Hole.Right"/> the next, and
/// the list is named by its head (<see cref="HoleArena.Nil"/> when empty). All holes of the list have the same size,
/// so any of them is a best fit; the search takes the head, and a new hole is linked in at the tail, so the hole of a
/// size that has waited longest is used first (first in, first out: on the Android recordings this packs a little
/// tighter than last in, first out, see the README). Every operation is O(1).
/// E.g. insert 7, then 3: head 7, 7 ⇄ 3 ⇄ 7; remove 7: head 3, whose links point at itself.
/// </summary>
internal static class HoleList
{
    /// <summary>Links <paramref name="hole"/> in at the tail of the list at <paramref name="head"/> (before the head).</summary>
    public static void Push(Hole[] items, ref int head, int hole)
    {
        int next = head;
        if (next == HoleArena.Nil)
        {
            items[hole].Left = hole;
            items[hole].Right = hole;
            head = hole;
            return;
        }
        int previous = items[next].Left;
        items[hole].Left = previous;
        items[hole].Right = next;
        items[previous].Right = hole;
        items[next].Left = hole;
    }

    /// <summary>Unlinks <paramref name="hole"/>, which must be in the list at <paramref name="head"/>.</summary>
    public static void Remove(Hole[] items, ref int head, int hole)
    {
        int next = items[hole].Right;
        if (next == hole)
        {
            head = HoleArena.Nil;
            return;
        }
        int previous = items[hole].Left;
        items[previous].Right = next;
        items[next].Left = previous;
        if (head == hole)
            head = next;
    }

    /// <summary>Checks the links of the list at <paramref name="head"/> (each next's previous is the hole itself, no
    /// cycle shorter or longer than the list) and appends its holes, head first.</summary>
    /// <exception cref="InvalidOperationException">The list is malformed.</exception>
    public static void Audit(Hole[] items, int head, List<int> holes)
    {
        if (head == HoleArena.Nil)
            return;
        int hole = head;
        for (int steps = 0; ; steps++)
        {
            if (steps > items.Length || (uint)hole >= (uint)items.Length || items[items[hole].Right].Left != hole)
                throw new InvalidOperationException("best-fit size list has a cycle or a bad link.");
            holes.Add(hole);
            hole = items[hole].Right;
            if (hole == head)
                return;
        }
    }
}
