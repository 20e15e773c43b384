namespace Cma.Plugins.BestFit;

/// <summary>
/// A treap of holes stored in the <see cref="HoleArena"/> slots: a binary search tree on the key (size, start),
/// which is unique because holes never share a start, and a max-heap on <see cref="Priority"/>, a hash of the hole's
/// slot (no storage), which keeps the expected depth O(log n). Every operation is O(depth) and allocates nothing.
/// </summary>
internal static class Treap
{
    /// <summary>Whether hole <paramref name="a"/> comes before hole <paramref name="b"/> in (size, start) order.</summary>
    public static bool Before(Hole[] items, int a, int b) =>
        items[a].Size < items[b].Size || (items[a].Size == items[b].Size && items[a].Start < items[b].Start);

    /// <summary>Inserts <paramref name="hole"/> (children already Nil) into the treap at <paramref name="root"/>.</summary>
    public static void Insert(Hole[] items, ref int root, int hole)
    {
        ulong size = items[hole].Size;
        ulong start = items[hole].Start;
        uint priority = Priority(hole);
        while (root != HoleArena.Nil && Priority(root) >= priority)
        {
            ref Hole node = ref items[root];
            root = ref KeyBefore(size, start, ref node) ? ref node.Left : ref node.Right;
        }
        Split(items, root, size, start, out items[hole].Left, out items[hole].Right);
        root = hole;
    }

    /// <summary>Removes <paramref name="hole"/>, which must be in the treap at <paramref name="root"/>.</summary>
    /// <exception cref="InvalidOperationException">The hole is not in the treap (corrupt free space).</exception>
    public static void Remove(Hole[] items, ref int root, int hole)
    {
        ulong size = items[hole].Size;
        ulong start = items[hole].Start;
        while (root != hole)
        {
            if (root == HoleArena.Nil)
                throw new InvalidOperationException($"best-fit free space is corrupt: hole {hole} is missing from its size class.");
            ref Hole node = ref items[root];
            root = ref KeyBefore(size, start, ref node) ? ref node.Left : ref node.Right;
        }
        root = Merge(items, items[hole].Left, items[hole].Right);
    }

    /// <summary>Removes <paramref name="hole"/> given the link that points at it (a root or a child field).</summary>
    public static void Unlink(Hole[] items, ref int link, int hole)
    {
        if (link != hole)
            throw new InvalidOperationException($"best-fit free space is corrupt: hole {hole} is not where its size class found it.");
        link = Merge(items, items[hole].Left, items[hole].Right);
    }

    /// <summary>The last hole in key order (the largest); <paramref name="root"/> must not be Nil.</summary>
    public static int Last(Hole[] items, int root)
    {
        while (items[root].Right != HoleArena.Nil)
            root = items[root].Right;
        return root;
    }

    /// <summary>Checks order and heap properties below <paramref name="root"/> and appends its holes in order.</summary>
    /// <exception cref="InvalidOperationException">The treap is malformed.</exception>
    public static void Audit(Hole[] items, int root, List<int> holes) => Audit(items, root, holes, depth: 0);

    /// <summary>Audits the subtree at <paramref name="root"/>, <paramref name="depth"/> levels below a class root.</summary>
    private static void Audit(Hole[] items, int root, List<int> holes, int depth)
    {
        if (root == HoleArena.Nil)
            return;
        if (depth > items.Length || (uint)root >= (uint)items.Length)
            throw new InvalidOperationException("best-fit size treap has a cycle or a bad link.");
        int left = items[root].Left;
        int right = items[root].Right;
        if ((left != HoleArena.Nil && (!Before(items, left, root) || Priority(left) > Priority(root)))
            || (right != HoleArena.Nil && (!Before(items, root, right) || Priority(right) > Priority(root))))
            throw new InvalidOperationException($"best-fit size treap is out of order at hole 0x{items[root].Start:X}.");
        int first = holes.Count;
        Audit(items, left, holes, depth + 1);
        if (holes.Count > first && !Before(items, holes[^1], root))
            throw new InvalidOperationException($"best-fit size treap is out of order before hole 0x{items[root].Start:X}.");
        holes.Add(root);
        Audit(items, right, holes, depth + 1);
    }

    /// <summary>Whether the key (<paramref name="size"/>, <paramref name="start"/>) comes before <paramref name="node"/>'s.</summary>
    private static bool KeyBefore(ulong size, ulong start, ref Hole node) =>
        size < node.Size || (size == node.Size && start < node.Start);

    /// <summary>Splits the treap at <paramref name="root"/> into the holes before the key (<paramref name="size"/>,
    /// <paramref name="start"/>) and the holes after it.</summary>
    private static void Split(Hole[] items, int root, ulong size, ulong start, out int before, out int after)
    {
        before = HoleArena.Nil;
        after = HoleArena.Nil;
        ref int left = ref before;
        ref int right = ref after;
        while (root != HoleArena.Nil)
        {
            ref Hole node = ref items[root];
            if (KeyBefore(size, start, ref node))
            {
                right = root;
                right = ref node.Left;
                root = node.Left;
            }
            else
            {
                left = root;
                left = ref node.Right;
                root = node.Right;
            }
        }
        left = HoleArena.Nil;
        right = HoleArena.Nil;
    }

    /// <summary>Joins two treaps where every key of <paramref name="a"/> comes before every key of <paramref name="b"/>.</summary>
    private static int Merge(Hole[] items, int a, int b)
    {
        int result = HoleArena.Nil;
        ref int link = ref result;
        while (a != HoleArena.Nil && b != HoleArena.Nil)
        {
            if (Priority(a) > Priority(b))
            {
                link = a;
                link = ref items[a].Right;
                a = items[a].Right;
            }
            else
            {
                link = b;
                link = ref items[b].Left;
                b = items[b].Left;
            }
        }
        link = a != HoleArena.Nil ? a : b;
        return result;
    }

    /// <summary>A hole's heap priority: a hash of its slot, so that it needs no storage and the treap's shape does not
    /// follow the order in which slots were rented (the start-order treap's hash).</summary>
    private static uint Priority(int slot) => StartOrderTreap.Priority(slot);
}
