namespace Cma.Host.Workloads;

/// <summary>How one replay runs.</summary>
internal sealed class ReplayOptions
{
    /// <summary>Stop at the first failed request (the minimum-size search needs only success or failure).</summary>
    public bool StopAtFirstFailure { get; init; }

    /// <summary>Take an occupancy map right after this operation (1-based; e.g. the peak found by an earlier run), or 0.</summary>
    public long PeakSnapshotOp { get; init; }

    /// <summary>Take an occupancy map at the first failure.</summary>
    public bool SnapshotFirstFailure { get; init; }

    /// <summary>After the verified replay, time the allocator in a second pass on a fresh instance without the host's
    /// checks (<see cref="AllocatorTiming"/>); <c>cma compare</c> asks it for the replay it shows, not for its probes.</summary>
    public bool TimeAllocator { get; init; }

    /// <summary>Operations the allocator already ran in this process before this replay (the minimum-size search's probes):
    /// they count towards the untimed warm-up before the timed pass (<see cref="WorkloadComparison.WarmUpOperations"/>).</summary>
    public long WarmedOperations { get; init; }

    /// <summary>Called now and then with the fraction of the trace read.</summary>
    public Action<double>? Progress { get; init; }
}
