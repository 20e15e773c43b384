namespace Cma.Host.Workloads.Generation;

/// <summary>An actor's live allocations, with O(1) add and O(1) removal of a uniformly chosen one (swap with the last).</summary>
internal sealed class LiveSet
{
    /// <summary>Live (id, size) pairs in no particular order.</summary>
    private readonly List<(long Id, ulong Size)> _live = [];

    public int Count => _live.Count;

    public void Add(long id, ulong size) => _live.Add((id, size));

    /// <summary>A uniformly chosen live allocation, left in the set.</summary>
    public (long Id, ulong Size) PeekRandom(Random random) => _live[random.Next(_live.Count)];

    /// <summary>Removes and returns a uniformly chosen live allocation.</summary>
    public (long Id, ulong Size) TakeRandom(Random random)
    {
        int i = random.Next(_live.Count);
        (long, ulong) taken = _live[i];
        _live[i] = _live[^1];
        _live.RemoveAt(_live.Count - 1);
        return taken;
    }
}
