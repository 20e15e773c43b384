namespace Cma.Host.Workloads;

/// <summary>
/// A region's occupancy at one moment, folded into <see cref="Cells"/> equal slices of the address range: each cell
/// holds the fraction of its bytes that live chunks cover (0 free, 1 full). Enough to draw where the holes are, in
/// fixed memory however many chunks there are.
/// </summary>
/// <param name="Op">The operation after which it was taken (1-based).</param>
/// <param name="What">Why: "peak load" or "first failure".</param>
/// <param name="RegionSize">The region's size.</param>
/// <param name="Chunks">Live chunks.</param>
/// <param name="LiveBytes">Live bytes.</param>
/// <param name="FreeBytes">Free bytes.</param>
/// <param name="LargestFreeBlock">Largest allocatable block.</param>
/// <param name="FreeBlocks">Free extents as the allocator keeps them.</param>
/// <param name="Cells">Per slice, the fraction covered by live chunks.</param>
internal sealed record OccupancyMap(long Op, string What, ulong RegionSize, long Chunks, ulong LiveBytes, ulong FreeBytes, ulong LargestFreeBlock,
    ulong FreeBlocks, double[] Cells)
{
    /// <summary>Slices per map.</summary>
    public const int CellCount = 1024;

    /// <summary>Folds live chunks (offset from the region start, size) into cells.</summary>
    public static double[] Fold(ulong regionSize, IEnumerable<(ulong Offset, ulong Size)> chunks)
    {
        var covered = new double[CellCount];
        double cell = (double)regionSize / CellCount;
        foreach ((ulong offset, ulong size) in chunks)
        {
            double from = offset, to = (double)offset + size;
            int first = (int)Math.Min(CellCount - 1, from / cell);
            int last = (int)Math.Min(CellCount - 1, (to - 1) / cell);
            for (int c = first; c <= last; c++)
            {
                double lo = Math.Max(from, c * cell), hi = Math.Min(to, (c + 1) * cell);
                if (hi > lo)
                    covered[c] += hi - lo;
            }
        }
        for (int c = 0; c < CellCount; c++)
            covered[c] = Math.Min(1.0, covered[c] / cell);
        return covered;
    }
}
