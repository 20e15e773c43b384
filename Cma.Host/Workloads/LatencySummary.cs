namespace Cma.Host.Workloads;

/// <summary>Allocator time per operation.</summary>
/// <param name="Operations">Operations timed.</param>
/// <param name="MeanNs">Mean, in nanoseconds: in <c>cma compare</c>, the batches' total time over <paramref name="Operations"/>.</param>
/// <param name="P50Ns">Median of the operations timed one by one (<see cref="Samples"/>).</param>
/// <param name="P99Ns">99th percentile of the same.</param>
/// <param name="MaxNs">Slowest operation timed one by one.</param>
/// <param name="TotalSeconds">Sum over all operations, in seconds.</param>
internal sealed record LatencySummary(long Operations, double MeanNs, double P50Ns, double P99Ns, double MaxNs, double TotalSeconds)
{
    /// <summary>Operations timed one by one, which the percentiles and the maximum come from: every one when each is
    /// timed, 1 in <see cref="AllocatorTiming.SampleEvery"/> in <c>cma compare</c>.</summary>
    public long Samples { get; init; }
}
