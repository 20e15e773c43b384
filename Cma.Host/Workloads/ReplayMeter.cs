using System.Runtime.CompilerServices;

namespace Cma.Host.Workloads;

/// <summary>
/// Measures one region through a replay, from the events both replay loops report: a chunk allocated, a chunk freed, a
/// request failed, and after every operation the allocator's stats. Keeps live bytes, the peak and when it was reached,
/// the footprint (highest end address as an offset from the region start), external fragmentation (1 − largest free
/// block / free bytes: its maximum, its sum for the mean, and the folded time series) and the first 1,000 failed
/// operations, writing counts into its <see cref="ReplayResult"/> as they happen and the rest at <see cref="Finish"/>.
/// </summary>
/// <remarks>Sealed, with plain fields and no virtual calls: it runs once or more per replayed operation.</remarks>
internal sealed class ReplayMeter
{
    /// <summary>Most failed operations listed in <see cref="ReplayResult.FailureOps"/>.</summary>
    public const int FailureOpsKept = 1000;

    /// <summary>The result the counts go to.</summary>
    private readonly ReplayResult _result;

    /// <summary>The region's first address: footprints are offsets from it.</summary>
    private readonly ulong _start;

    /// <summary>Fragmentation, live bytes and footprint per operation, folded to at most 2,048 points.</summary>
    private readonly ReplaySeries _series = new();

    /// <summary>Bytes in live chunks (sizes as the allocator was asked for them, rounded to the granule).</summary>
    private ulong _live;

    /// <summary>The highest end address any chunk reached, as an offset from <see cref="_start"/>; never decreases.</summary>
    private ulong _footprint;

    /// <summary>Sum of every sample's fragmentation, for the mean.</summary>
    private double _fragmentationSum;

    /// <summary>The largest fragmentation sampled.</summary>
    private double _fragmentationMax;

    public ReplayMeter(ReplayResult result, ulong regionStart)
    {
        _result = result;
        _start = regionStart;
    }

    /// <summary>Bytes in live chunks now.</summary>
    public ulong Live => _live;

    /// <summary>A chunk of <paramref name="size"/> bytes was placed at <paramref name="address"/> by operation
    /// <paramref name="op"/>; true when that raised the peak of live bytes (first reached at <paramref name="op"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called once or more per replayed operation
    public bool Allocated(ulong address, ulong size, long op)
    {
        _result.Satisfied++;
        _live += size;
        _footprint = Math.Max(_footprint, address + size - _start);
        if (_live <= _result.PeakLiveBytes)
            return false;
        _result.PeakLiveBytes = _live;
        _result.PeakLiveOp = op;
        return true;
    }

    /// <summary>Chunks of <paramref name="bytes"/> in all, ending at most <paramref name="end"/>, were live before the replay
    /// began (a restored state, <c>cma replay --from-snapshot</c>): they count in live bytes, the peak and the footprint,
    /// not as placements.</summary>
    public void Preload(ulong bytes, ulong end)
    {
        _live += bytes;
        if (bytes != 0)
            _footprint = Math.Max(_footprint, end - _start);
        _result.PeakLiveBytes = Math.Max(_result.PeakLiveBytes, _live);
    }

    /// <summary>A live chunk of <paramref name="size"/> bytes was freed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called once or more per replayed operation
    public void Freed(ulong size)
    {
        _result.Frees++;
        _live -= size;
    }

    /// <summary>Operation <paramref name="op"/> asked for a chunk the allocator could not place.</summary>
    public void Failed(long op)
    {
        _result.Failed++;
        if (_result.FailureOps.Count < FailureOpsKept)
            _result.FailureOps.Add(op);
    }

    /// <summary>Samples the region after an operation, from the allocator's <paramref name="stats"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called once or more per replayed operation
    public void Sample(in CmaAllocatorStats stats)
    {
        double fragmentation = stats.FreeBytes == 0 ? 0 : 1 - (double)stats.LargestFreeBlock / stats.FreeBytes;
        _fragmentationSum += fragmentation;
        if (fragmentation > _fragmentationMax)
            _fragmentationMax = fragmentation;
        _series.Add(fragmentation, _live, _footprint);
    }

    /// <summary>Writes what the counts do not: <paramref name="operations"/> replayed (one fragmentation sample each),
    /// the footprint, the fragmentation's maximum and mean, and the time series.</summary>
    public void Finish(long operations)
    {
        _result.Operations = operations;
        _result.PeakFootprint = _footprint;
        _result.FragmentationMax = _fragmentationMax;
        _result.FragmentationSamples = operations;
        _result.FragmentationMean = operations == 0 ? 0 : _fragmentationSum / operations;
        _result.Series = _series.Points();
    }
}
