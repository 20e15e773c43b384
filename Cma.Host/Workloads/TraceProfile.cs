namespace Cma.Host.Workloads;

/// <summary>
/// One pass over a workload without any allocator: its operation count and its peak live bytes at a given granule
/// (every request placed), which is the lower bound of the minimum-size search. It also keeps the operations in memory
/// (<see cref="RecordedTrace"/>) when they fit, so that later replays skip parsing.
/// </summary>
internal sealed class TraceProfile
{
    private TraceProfile(long operations, long requests, ulong peakLiveBytes, ulong largestRequest, RecordedTrace? recorded, TraceCounters counters)
    {
        Operations = operations;
        Requests = requests;
        PeakLiveBytes = peakLiveBytes;
        LargestRequest = largestRequest;
        Recorded = recorded;
        Counters = counters;
    }

    /// <summary>Operations in the workload.</summary>
    public long Operations { get; }

    /// <summary>Allocation requests: contiguous, movable and discardable.</summary>
    public long Requests { get; }

    /// <summary>The largest sum of live requests (rounded to the granule) if every request were placed, contiguous and
    /// movable together (pins change nothing).</summary>
    public ulong PeakLiveBytes { get; }

    /// <summary>The largest single request (rounded to the granule).</summary>
    public ulong LargestRequest { get; }

    /// <summary>The operations, when they fit in memory; else null.</summary>
    public RecordedTrace? Recorded { get; }

    /// <summary>What the reader skipped.</summary>
    public TraceCounters Counters { get; }

    /// <summary>Seconds the pass took: reading and parsing the whole trace (no allocator).</summary>
    public double ParseSeconds { get; private set; }

    /// <summary>Reads the whole trace once.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // one long loop: no tier-0/OSR
    public static TraceProfile Measure(TraceFile trace, ulong granule, Action<double>? progress = null)
    {
        long began = System.Diagnostics.Stopwatch.GetTimestamp();
        using ITraceReader reader = trace.OpenReader();
        var sizes = new SlotState();
        RecordedTrace? recorded = new();
        UInt128 live = 0; // a hostile trace's requests can add up past 2^64
        ulong peak = 0, largest = 0;
        long ops = 0, requests = 0;
        while (reader.TryRead(out TraceOp op))
        {
            ops++;
            if (recorded is not null && !recorded.TryAdd(op))
                recorded = null;
            if (op.Kind.IsAllocation())
            {
                requests++;
                ulong size = op.Size == 0 ? granule : op.Size;
                ulong rounded = size > ulong.MaxValue - granule ? ulong.MaxValue : (size + granule - 1) & ~(granule - 1);
                sizes.Set(op.Slot, 0, rounded, 0);
                live += rounded;
                peak = live > ulong.MaxValue ? ulong.MaxValue : Math.Max(peak, (ulong)live);
                largest = Math.Max(largest, rounded);
            }
            else if (op.Kind == TraceOpKind.Free)
            {
                live -= sizes.Take(op.Slot).Rounded;
            }
            if ((ops & 0xFFFF) == 0)
                progress?.Invoke(reader.Progress);
        }
        return new TraceProfile(ops, requests, peak, largest, recorded, reader.Counters)
        {
            ParseSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(began).TotalSeconds,
        };
    }

    /// <summary>A reader over the workload: from memory when recorded, else a fresh pass over the file.</summary>
    public ITraceReader OpenReader(TraceFile trace) => Recorded?.OpenReader(Counters) ?? trace.OpenReader();
}
