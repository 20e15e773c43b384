namespace Cma.Host.Workloads;

/// <summary>
/// Pulls a workload one operation at a time. Readers stream: memory grows with the number of live allocations,
/// never with the length of the trace.
/// </summary>
internal interface ITraceReader : IDisposable
{
    /// <summary>Reads the next operation; false at the end of the trace.</summary>
    /// <exception cref="TraceFormatException">A malformed line (unless the reader is lenient).</exception>
    bool TryRead(out TraceOp op);

    /// <summary>What was skipped or adjusted so far.</summary>
    TraceCounters Counters { get; }

    /// <summary>How far through the input the reader is, from 0 to 1 (by bytes read).</summary>
    double Progress { get; }
}
