namespace Cma.Host.Workloads.Generation;

/// <summary>
/// The <c>reusable</c> profile's background: a page cache borrowing the region's free space with movable chunks
/// (<c>m</c>, 4K–64K log-uniform, 4K aligned, <c>@pagecache</c>), a share of them discardable (<c>d</c>). Like
/// <see cref="FillActor"/>, each churn step allocates with probability clamp(0.5 + 5·(1 − movable/target), 0.05, 0.95)
/// — target = fill × region — when the chunk fits the <see cref="RegionBudget"/>, else frees a uniformly chosen chunk.
/// Now and then it pins a chunk for a few steps (<c>p</c>, then <c>u</c> 2–8 steps later) or for long (<c>p … long</c>:
/// half of them unpinned 200–2,000 steps later, the others held until their free, which drops the pin).
/// </summary>
internal sealed class PageCacheActor(RegionBudget budget, double weight, double fill = 0.7, double discardable = 0.25,
    double shortPin = 0.02, double longPin = 0.002) : IGeneratorActor
{
    /// <summary>The movable alignment, and the smallest chunk.</summary>
    private const ulong Page = 4096;

    /// <summary>The largest chunk.</summary>
    private const ulong MaxChunk = 64 << 10;

    /// <summary>The page cache's live chunks.</summary>
    private readonly LiveSet _live = new();

    /// <summary>Live id → pins outstanding; an id leaves with its free (which drops its pins).</summary>
    private readonly Dictionary<long, int> _pins = [];

    /// <summary>Unpins to write, by the step they are due at; ids freed since are skipped.</summary>
    private readonly PriorityQueue<long, long> _unpins = new();

    /// <summary>Steps taken.</summary>
    private long _steps;

    public double Weight => weight;

    public void Step(GeneratorState state)
    {
        _steps++;
        if (TryUnpinDue(state))
            return;
        Random random = state.Random;
        double u = random.NextDouble();
        if (_live.Count > 0 && u < shortPin)
        {
            Pin(state, longTerm: false, _steps + random.Next(2, 9));
            return;
        }
        if (_live.Count > 0 && u < shortPin + longPin)
        {
            Pin(state, longTerm: true, random.Next(2) == 0 ? _steps + random.Next(200, 2001) : -1);
            return;
        }
        Churn(state);
    }

    /// <summary>Writes the first unpin that is due and still live; false when none is.</summary>
    private bool TryUnpinDue(GeneratorState state)
    {
        while (_unpins.TryPeek(out long id, out long due) && due <= _steps)
        {
            _unpins.Dequeue();
            if (_pins.TryGetValue(id, out int pins) && pins > 0)
            {
                _pins[id] = pins - 1;
                state.Unpin(id);
                return true;
            }
        }
        return false;
    }

    /// <summary>Pins a uniformly chosen live chunk; unpins it at step <paramref name="unpinAt"/> (-1: never).</summary>
    private void Pin(GeneratorState state, bool longTerm, long unpinAt)
    {
        (long id, _) = _live.PeekRandom(state.Random);
        _pins[id] = _pins.GetValueOrDefault(id) + 1;
        state.Pin(id, longTerm);
        if (unpinAt >= 0)
            _unpins.Enqueue(id, unpinAt);
    }

    /// <summary>Allocates or frees one chunk, keeping the movable bytes around the target and inside the budget.</summary>
    private void Churn(GeneratorState state)
    {
        Random random = state.Random;
        double target = fill * budget.RegionSize;
        double p = Math.Clamp(0.5 + 5 * (1 - budget.Movable / target), 0.05, 0.95);
        bool allocate = _live.Count == 0 || random.NextDouble() < p;
        ulong size = state.LogUniform(Page, MaxChunk, Page);
        if (allocate && budget.Fits(size))
        {
            char verb = random.NextDouble() < discardable ? 'd' : 'm';
            _live.Add(state.Allocate(size, Page, "pagecache", verb), size);
            budget.Allocated(size, movable: true);
        }
        else if (_live.Count > 0)
        {
            (long id, ulong freed) = _live.TakeRandom(random);
            _pins.Remove(id);
            state.Free(id, freed);
            budget.Freed(freed, movable: true);
        }
    }
}
