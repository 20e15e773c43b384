namespace Cma.Host.Workloads;

/// <summary>
/// Finds the smallest region size, in granules, on which a workload succeeds. It starts at the lower bound (the peak
/// live bytes: no smaller region can hold them), grows by doubling until a size succeeds, then bisects between the
/// last failure and the first success. The answer <c>s</c> always satisfies: the workload succeeds on <c>s</c> and
/// fails on <c>s − granule</c> (the bisection keeps "fails at lo, succeeds at hi" and stops when they are one granule
/// apart). For an allocator whose success is monotone in the region size this is the minimum; for one that is not, it
/// is a local minimum above the lower bound.
/// </summary>
internal static class MinimumRegionSearch
{
    /// <summary>Searches; returns null when even <paramref name="limit"/> fails.</summary>
    /// <param name="succeeds">Replays the workload on a region of the given size; true when every request was placed.</param>
    /// <param name="lowerBound">No region smaller than this can succeed (the peak live bytes).</param>
    /// <param name="granule">The search's resolution; sizes are multiples of it.</param>
    /// <param name="limit">The largest size to try.</param>
    /// <param name="probes">How many sizes were tried.</param>
    public static ulong? Find(Func<ulong, bool> succeeds, ulong lowerBound, ulong granule, ulong limit, out int probes)
    {
        ArgumentNullException.ThrowIfNull(succeeds);
        probes = 0;
        ulong top = RoundDown(limit, granule);
        if (Math.Max(lowerBound, granule) > top)
            return null;  // also keeps the rounding below from passing 2^64
        ulong hi = RoundUp(Math.Max(lowerBound, granule), granule);
        ulong failed = hi - granule;  // below the lower bound: known to fail without trying
        while (true)
        {
            probes++;
            if (succeeds(hi))
                break;
            failed = hi;
            if (hi == top)
                return null;
            hi = hi > top / 2 ? top : Math.Min(top, RoundUp(hi * 2, granule));
        }
        // failed fails (or is below the lower bound), hi succeeds
        while (hi - failed > granule)
        {
            ulong mid = failed + (hi - failed) / granule / 2 * granule;
            probes++;
            if (succeeds(mid))
                hi = mid;
            else
                failed = mid;
        }
        return hi;
    }

    private static ulong RoundUp(ulong value, ulong granule) => (value + granule - 1) / granule * granule;

    private static ulong RoundDown(ulong value, ulong granule) => value / granule * granule;
}
