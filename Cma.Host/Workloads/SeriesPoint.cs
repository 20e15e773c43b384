namespace Cma.Host.Workloads;

/// <summary>One point of a replay's time series: a run of consecutive operations folded together.</summary>
/// <param name="FirstOp">The first operation (1-based) the point covers.</param>
/// <param name="Ops">Operations it covers.</param>
/// <param name="FragmentationMax">Largest external fragmentation (1 − largest free / free) over those operations.</param>
/// <param name="FragmentationMean">Mean external fragmentation over them.</param>
/// <param name="LiveBytesMax">Largest live bytes over them.</param>
/// <param name="FootprintMax">Highest end address touched so far, as an offset from the region start.</param>
internal sealed record SeriesPoint(long FirstOp, long Ops, double FragmentationMax, double FragmentationMean, ulong LiveBytesMax, ulong FootprintMax);
