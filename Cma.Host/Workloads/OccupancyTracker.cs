namespace Cma.Host.Workloads;

/// <summary>
/// Keeps each region's occupancy map up to date as chunks come and go (O(cells a chunk spans) per operation), so that a
/// streaming replay can take an exact map at the moment of each region's peak load and first failure without a second
/// pass. A peak is copied lazily: only when the region is about to leave it (its next free) or at the end, so a run of
/// allocations that keeps raising the peak costs no copies.
/// </summary>
internal sealed class OccupancyTracker
{
    /// <summary>Per region, bytes covered by live chunks in each of <see cref="OccupancyMap.CellCount"/> cells.</summary>
    private readonly double[][] _covered;

    /// <summary>Per region, the region size.</summary>
    private readonly ulong[] _sizes;

    /// <summary>Per region, whether the current state is a peak not yet copied.</summary>
    private readonly bool[] _peakPending;

    /// <summary>Per region, the operation after which the pending peak was reached.</summary>
    private readonly long[] _peakOp;

    public OccupancyTracker(IReadOnlyList<ulong> regionSizes)
    {
        _sizes = [.. regionSizes];
        _covered = new double[_sizes.Length][];
        for (int r = 0; r < _sizes.Length; r++)
            _covered[r] = new double[OccupancyMap.CellCount];
        _peakPending = new bool[_sizes.Length];
        _peakOp = new long[_sizes.Length];
        PeakMaps = new OccupancyMap?[_sizes.Length];
        FailureMaps = new OccupancyMap?[_sizes.Length];
    }

    /// <summary>Per region, the map at its peak load (after <see cref="Finish"/>).</summary>
    public OccupancyMap?[] PeakMaps { get; }

    /// <summary>Per region, the map when a request that could have gone there first failed.</summary>
    public OccupancyMap?[] FailureMaps { get; }

    /// <summary>A chunk at <paramref name="offset"/> in region <paramref name="r"/> became live (+1) or was freed (−1).</summary>
    public void Change(int r, ulong offset, ulong size, int sign)
    {
        double[] covered = _covered[r];
        double cell = (double)_sizes[r] / OccupancyMap.CellCount;
        double from = offset, to = (double)offset + size;
        int first = (int)Math.Min(OccupancyMap.CellCount - 1, from / cell);
        int last = (int)Math.Min(OccupancyMap.CellCount - 1, (to - 1) / cell);
        for (int c = first; c <= last; c++)
        {
            double lo = Math.Max(from, c * cell), hi = Math.Min(to, (c + 1) * cell);
            if (hi > lo)
                covered[c] += sign * (hi - lo);
        }
    }

    /// <summary>Region <paramref name="r"/> just reached a new peak.</summary>
    public void NewPeak(int r, long op) => (_peakPending[r], _peakOp[r]) = (true, op);

    /// <summary>Region <paramref name="r"/> is about to free a chunk: copy a pending peak first.</summary>
    public void BeforeFree(int r, Func<int, string, long, OccupancyMap> describe)
    {
        if (_peakPending[r])
        {
            PeakMaps[r] = describe(r, "peak load", _peakOp[r]);
            _peakPending[r] = false;
        }
    }

    /// <summary>A request that could have gone to region <paramref name="r"/> failed: keep the first such map.</summary>
    public void Failed(int r, long op, Func<int, string, long, OccupancyMap> describe) => FailureMaps[r] ??= describe(r, "first failure", op);

    /// <summary>Copies peaks still pending at the end of the replay.</summary>
    public void Finish(Func<int, string, long, OccupancyMap> describe)
    {
        for (int r = 0; r < _sizes.Length; r++)
            BeforeFree(r, describe);
    }

    /// <summary>The cells of region <paramref name="r"/> now, as fractions covered (0 free, 1 full).</summary>
    public double[] Cells(int r)
    {
        double cell = (double)_sizes[r] / OccupancyMap.CellCount;
        var cells = new double[OccupancyMap.CellCount];
        for (int c = 0; c < cells.Length; c++)
            cells[c] = Math.Clamp(_covered[r][c] / cell, 0, 1);
        return cells;
    }
}
