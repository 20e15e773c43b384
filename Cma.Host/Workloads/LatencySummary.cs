namespace Cma.Host.Workloads;

/// <summary>Allocator time per operation.</summary>
/// <param name="Operations">Operations timed.</param>
/// <param name="MeanNs">Mean, in nanoseconds.</param>
/// <param name="P50Ns">Median.</param>
/// <param name="P99Ns">99th percentile.</param>
/// <param name="MaxNs">Slowest operation.</param>
/// <param name="TotalSeconds">Sum over all operations, in seconds.</param>
internal sealed record LatencySummary(long Operations, double MeanNs, double P50Ns, double P99Ns, double MaxNs, double TotalSeconds);
