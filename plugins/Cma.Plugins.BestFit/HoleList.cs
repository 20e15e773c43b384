namespace Cma.Plugins.BestFit;

/// <summary>
/// The holes of one exact size class (a single size) as a doubly-linked list threaded through the
/// <see cref="HoleArena"/> slots: <see cref="Hole.Right"/> is the next hole (<see cref="HoleArena.Nil"/> after the
/// last), <see cref="Hole.Left"/> the previous one — meaningful only when the hole is not the head: taking the head
/// leaves the next hole's link stale rather than touch its slot (one cache miss fewer per allocation). All holes of the
/// list have the same size, so any of them is a best fit; the search takes the head, and a new hole is linked in at
/// the head, so the hole of a size that came (or changed) last is used first (last in, first out: with the placement
/// rule it packs the Android recordings tighter and fails nothing on the stress trace, see the README). Every
/// operation is O(1) and touches at most the hole and its two neighbours (a push: the old head; taking the head: none).
/// E.g. push 7, then 3: head 3, 3 → 7, 7's previous 3; remove 3: head 7 (its previous, 3, is stale).
/// </summary>
internal static class HoleList
{
    /// <summary>Links <paramref name="hole"/> in at the head of the list at <paramref name="head"/>.</summary>
    public static void Push(Hole[] items, ref int head, int hole)
    {
        int first = head;
        items[hole].Right = first;
        if (first != HoleArena.Nil)
            items[first].Left = hole;
        head = hole;
    }

    /// <summary>Unlinks <paramref name="hole"/>, which must be in the list at <paramref name="head"/>.</summary>
    public static void Remove(Hole[] items, ref int head, int hole)
    {
        int next = items[hole].Right;
        if (head == hole)
        {
            head = next;
            return;
        }
        int previous = items[hole].Left;
        items[previous].Right = next;
        if (next != HoleArena.Nil)
            items[next].Left = previous;
    }

    /// <summary>Checks the links of the list at <paramref name="head"/> (each hole after the head names its previous
    /// one, no cycle) and appends its holes, head first.</summary>
    /// <exception cref="InvalidOperationException">The list is malformed.</exception>
    public static void Audit(Hole[] items, int head, List<int> holes)
    {
        int previous = HoleArena.Nil;
        for (int hole = head, steps = 0; hole != HoleArena.Nil; hole = items[hole].Right, steps++)
        {
            if (steps > items.Length || (uint)hole >= (uint)items.Length || (previous != HoleArena.Nil && items[hole].Left != previous))
                throw new InvalidOperationException("best-fit size list has a cycle or a bad link.");
            holes.Add(hole);
            previous = hole;
        }
    }
}
