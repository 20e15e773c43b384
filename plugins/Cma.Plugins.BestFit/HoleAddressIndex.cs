using System.Runtime.CompilerServices;

namespace Cma.Plugins.BestFit;

/// <summary>
/// Finds a hole by one of its edges in O(1): the hole that starts at an address, or (built with
/// <c>byEnd: true</c>) the hole that ends at one. <see cref="BestFitAllocator.Free"/> needs nothing else to
/// coalesce, because the only holes a freed chunk can merge with are the one ending at its start and the one
/// starting at its end. Both views of an allocator share one <see cref="HoleEdgeTable"/>, so a free's two look-ups
/// (its start as an end, its end as a start) load the table lines that its updates then write (the merged hole's new
/// end is the freed chunk's end; a new hole's edges are the chunk's edges).
/// </summary>
internal sealed class HoleAddressIndex
{
    /// <summary>The holes whose edges are keys here.</summary>
    private readonly HoleArena _arena;

    /// <summary>The table shared by the start and end views.</summary>
    private readonly HoleEdgeTable _table;

    /// <summary>Whether a hole's key is its end (<c>Start + Size</c>) rather than its start: the entry's tag bit.</summary>
    private readonly bool _byEnd;

    /// <summary>The tag of this view's entries: 1 for ends, 0 for starts.</summary>
    private readonly int _tag;

    /// <summary>Holes indexed by this view.</summary>
    private int _count;

    /// <summary>Creates an empty view.</summary>
    /// <param name="arena">Where the holes live.</param>
    /// <param name="table">The table, shared with the other view.</param>
    /// <param name="byEnd">Key by end address instead of start address.</param>
    public HoleAddressIndex(HoleArena arena, HoleEdgeTable table, bool byEnd)
    {
        _arena = arena;
        _table = table;
        _byEnd = byEnd;
        _tag = byEnd ? 1 : 0;
    }

    /// <summary>Holes indexed by this view.</summary>
    public int Count => _count;

    /// <summary>The hole whose key is <paramref name="address"/>, or <see cref="HoleArena.Nil"/>.</summary>
    /// <param name="address">A start (or end) address.</param>
    /// <returns>The hole's index.</returns>
    public int Find(ulong address) => _table.Find(address, _tag, out _);

    /// <summary>The hole whose key is <paramref name="address"/>, or <see cref="HoleArena.Nil"/> and in
    /// <paramref name="vacancy"/> where <see cref="AddBoth"/> may put an edge at that address (see
    /// <see cref="HoleEdgeTable.Find"/>).</summary>
    public int Find(ulong address, out int vacancy) => _table.Find(address, _tag, out vacancy);

    /// <summary>Indexes a new hole under its start in <paramref name="starts"/> and its end in <paramref name="ends"/>
    /// (two views of one table) at the vacancies their look-ups stopped at, with nothing added or removed since.</summary>
    /// <exception cref="InvalidOperationException">Another hole already has one of the edges (corrupt free space).</exception>
    public static void AddBoth(HoleAddressIndex starts, HoleAddressIndex ends, int hole, int startVacancy, int endVacancy)
    {
        if (!starts._table.AddBoth(hole, startVacancy, endVacancy))
            throw new InvalidOperationException($"best-fit free space is corrupt: another hole starts or ends where hole 0x{starts.KeyOf(hole):X} does (a chunk freed twice?).");
        starts._count++;
        ends._count++;
    }

    /// <summary>Indexes a hole under its current key.</summary>
    /// <param name="hole">A hole not yet indexed here, whose key no other indexed hole has.</param>
    /// <exception cref="InvalidOperationException">Another hole already has this key (corrupt free space).</exception>
    public void Add(int hole)
    {
        if (!_table.Add(hole, _tag))
            throw new InvalidOperationException($"best-fit free space is corrupt: two holes {(_byEnd ? "end" : "start")} at 0x{KeyOf(hole):X} (a chunk freed twice?).");
        _count++;
    }

    /// <summary>Removes a hole; call it before the hole's key changes.</summary>
    /// <param name="hole">A hole indexed here under its current key.</param>
    /// <exception cref="InvalidOperationException">The hole is not indexed under its key (corrupt free space).</exception>
    public void Remove(int hole)
    {
        if (!_table.Remove(hole, _tag, verify: true))
            throw Missing(hole);
        _count--;
    }

    /// <summary>Hands a key over from one hole to another without moving it: <paramref name="replacement"/> takes
    /// <paramref name="hole"/>'s entry. The caller makes the replacement's key equal to the hole's old one.</summary>
    /// <param name="hole">A hole indexed here under its current key.</param>
    /// <param name="replacement">A hole not indexed here.</param>
    /// <exception cref="InvalidOperationException">The hole is not indexed under its key (corrupt free space).</exception>
    public void Replace(int hole, int replacement)
    {
        if (!_table.Move(hole, replacement, _tag, verify: true))
            throw Missing(hole);
    }

    /// <summary>The error of a hole whose entry here is not its own (checked on the entry the operation reads anyway).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private InvalidOperationException Missing(int hole) =>
        new($"best-fit free space is corrupt: hole {hole} is missing from its {(_byEnd ? "end" : "start")} index.");

    /// <summary>The key of a hole: its start, or its end for an end index.</summary>
    private ulong KeyOf(int hole)
    {
        ref Hole h = ref _arena.Items[hole];
        return _byEnd ? h.Start + h.Size : h.Start;
    }
}
