namespace Cma.Benchmarks;

/// <summary>
/// A pre-generated operation sequence with the same rule as the generator's log-uniform profile
/// (<c>Cma.Host.Workloads.Generation.FillActor</c>): sizes log-uniform between a minimum and a maximum, rounded up to the
/// granule; each step allocates with probability clamp(0.5 + 5·(1 − live/target), 0.05, 0.95), otherwise frees a
/// uniformly chosen live chunk; alignment <c>mix</c> draws 4K/64K/1M at 70/20/10 %. Seeded: the same arguments give the
/// same steps.
/// </summary>
internal sealed class BenchTrace
{
    /// <summary>The granule of every benchmark region.</summary>
    public const ulong Granule = 4096;

    private BenchTrace(TraceStep[] steps, int slotCount)
    {
        Steps = steps;
        SlotCount = slotCount;
    }

    /// <summary>The operations in order.</summary>
    public TraceStep[] Steps { get; }

    /// <summary>Slots the steps use (indices 0 .. SlotCount − 1).</summary>
    public int SlotCount { get; }

    /// <summary>Workload A (A-mix with <paramref name="mixedAlignment"/>): exactly <paramref name="operations"/> steps on a
    /// region of <paramref name="regionSize"/>, the rule targeting <paramref name="fill"/> of it; the trace ends by freeing
    /// what is still live, so a replay leaves the allocator empty and can be repeated.</summary>
    public static BenchTrace FillAndDrain(int operations, ulong regionSize, double fill, ulong min, ulong max, bool mixedAlignment, int seed)
    {
        var random = new Random(seed);
        var steps = new TraceStep[operations];
        var live = new List<(int Slot, ulong Size)>();
        var freeSlots = new Stack<int>();
        int slotCount = 0, n = 0;
        double target = fill * regionSize, liveBytes = 0;
        while (n + live.Count < operations)
        {
            double p = Math.Clamp(0.5 + 5 * (1 - liveBytes / target), 0.05, 0.95);
            if (live.Count == 0 || random.NextDouble() < p)
            {
                ulong size = LogUniform(random, min, max);
                int slot = freeSlots.Count > 0 ? freeSlots.Pop() : slotCount++;
                steps[n++] = new TraceStep(slot, size, mixedAlignment ? MixedAlignment(random) : Granule);
                live.Add((slot, size));
                liveBytes += size;
            }
            else
            {
                (int slot, ulong size) = TakeRandom(live, random);
                steps[n++] = new TraceStep(slot, size, 0);
                freeSlots.Push(slot);
                liveBytes -= size;
            }
        }
        foreach ((int slot, ulong size) in live)
            steps[n++] = new TraceStep(slot, size, 0);
        return new BenchTrace(steps, slotCount);
    }

    /// <summary>Workload B's fill: the rule's steps, with the target counted in chunks, until <paramref name="liveChunks"/>
    /// chunks are live; <paramref name="liveSlots"/> and <paramref name="liveSizes"/> list the live ones.</summary>
    public static BenchTrace FillToCount(int liveChunks, ulong min, ulong max, int seed, out int[] liveSlots, out ulong[] liveSizes)
    {
        var random = new Random(seed);
        var steps = new List<TraceStep>(liveChunks + liveChunks / 8);
        var live = new List<(int Slot, ulong Size)>(liveChunks);
        var freeSlots = new Stack<int>();
        int slotCount = 0;
        while (live.Count < liveChunks)
        {
            double p = Math.Clamp(0.5 + 5 * (1 - (double)live.Count / liveChunks), 0.05, 0.95);
            if (live.Count == 0 || random.NextDouble() < p)
            {
                ulong size = LogUniform(random, min, max);
                int slot = freeSlots.Count > 0 ? freeSlots.Pop() : slotCount++;
                steps.Add(new TraceStep(slot, size, Granule));
                live.Add((slot, size));
            }
            else
            {
                (int slot, ulong size) = TakeRandom(live, random);
                steps.Add(new TraceStep(slot, size, 0));
                freeSlots.Push(slot);
            }
        }
        liveSlots = new int[live.Count];
        liveSizes = new ulong[live.Count];
        for (int i = 0; i < live.Count; i++)
            (liveSlots[i], liveSizes[i]) = live[i];
        return new BenchTrace([.. steps], slotCount);
    }

    /// <summary>Workload B's steady state: <paramref name="pairs"/> times, free a uniformly chosen live chunk and
    /// allocate a fresh log-uniform size into its slot, so the live count stays at its level and the trace can repeat.</summary>
    public static BenchTrace Steady(int[] liveSlots, int slotCount, int pairs, ulong min, ulong max, int seed)
    {
        var random = new Random(seed);
        var steps = new TraceStep[2 * pairs];
        for (int j = 0; j < pairs; j++)
        {
            int slot = liveSlots[random.Next(liveSlots.Length)];
            steps[2 * j] = new TraceStep(slot, 0, 0);
            steps[2 * j + 1] = new TraceStep(slot, LogUniform(random, min, max), Granule);
        }
        return new BenchTrace(steps, slotCount);
    }

    /// <summary>A size drawn log-uniformly in [min, max], rounded up to the granule (the generator's rule).</summary>
    public static ulong LogUniform(Random random, ulong min, ulong max)
    {
        double lo = Math.Log(min), hi = Math.Log(max);
        ulong size = Math.Clamp((ulong)Math.Exp(lo + random.NextDouble() * (hi - lo)), min, max);
        return (size + Granule - 1) / Granule * Granule;
    }

    /// <summary>The generator's <c>--align mix</c>: 4K 70 %, 64K 20 %, 1M 10 %.</summary>
    private static ulong MixedAlignment(Random random)
    {
        double u = random.NextDouble();
        return u < 0.7 ? 4096UL : u < 0.9 ? 64UL << 10 : 1UL << 20;
    }

    /// <summary>Removes and returns a uniformly chosen live chunk (swap with the last).</summary>
    private static (int Slot, ulong Size) TakeRandom(List<(int Slot, ulong Size)> live, Random random)
    {
        int i = random.Next(live.Count);
        (int, ulong) taken = live[i];
        live[i] = live[^1];
        live.RemoveAt(live.Count - 1);
        return taken;
    }
}
