using Cma.Runtime.Regions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cma.Host.Workloads;

/// <summary>
/// Replays one workload once per allocator on an identical region (same start, size and granule, default settings),
/// each through the host's guard, then times it in a second pass on a fresh instance without the guard
/// (<see cref="AllocatorTiming"/>), and optionally searches each allocator's minimum region size. The trace is read once
/// up front (<see cref="TraceProfile"/>: operation count, peak live bytes) and, when it fits, kept in memory so the
/// replays measure the allocators rather than the parser.
/// </summary>
internal static class WorkloadComparison
{
    /// <summary>The empty plugin settings every compared region gets.</summary>
    private static readonly IConfiguration s_noSettings = new ConfigurationBuilder().Build();

    /// <summary>Runs the comparison; results are in the order of <paramref name="allocators"/>.</summary>
    public static List<ReplayResult> Run(TraceFile trace, TraceProfile profile, IReadOnlyList<AllocatorCandidate> allocators,
        ComparisonSettings settings, IComparisonProgress? progress = null)
    {
        var results = new List<ReplayResult>(allocators.Count);
        foreach (AllocatorCandidate candidate in allocators)
        {
            ReplayResult? result = null;
            if (settings.RegionSize is ulong size)
            {
                result = RunOne(trace, profile, candidate, settings.RegionStart, size, settings.Granule, new ReplayOptions
                {
                    SnapshotFirstFailure = settings.Occupancy,
                    TimeAllocator = true,
                    Progress = f => progress?.Report(candidate.Name, "replay", f),
                });
                if (settings.Occupancy && result.PeakLiveOp > 0 && result.Fault is null)
                {
                    ReplayResult peak = RunOne(trace, profile, candidate, settings.RegionStart, size, settings.Granule, new ReplayOptions
                    {
                        PeakSnapshotOp = result.PeakLiveOp,
                        Progress = f => progress?.Report(candidate.Name, "occupancy at peak", f),
                    });
                    result.Occupancy.InsertRange(0, peak.Occupancy);
                }
            }
            if (settings.FindMinimumSize)
            {
                ulong? minimum = FindMinimumSize(trace, profile, candidate, settings, progress, out int probes);
                if (result is null)
                {
                    // Without a minimum, show the replay on the smallest region that could hold the peak (or the largest there is).
                    ulong shown = minimum ?? Math.Min(Math.Max(settings.Granule, profile.PeakLiveBytes), settings.LargestRegionSize);
                    shown = (shown + settings.Granule - 1) / settings.Granule * settings.Granule;
                    result = RunOne(trace, profile, candidate, settings.RegionStart, shown, settings.Granule, new ReplayOptions
                    {
                        SnapshotFirstFailure = settings.Occupancy,
                        TimeAllocator = true,
                        WarmedOperations = probes * profile.Operations, // the search's probes (each up to the whole trace) warmed the plugin
                        Progress = f => progress?.Report(candidate.Name, "replay at minimum", f),
                    });
                }
                result.MinimumRegionSize = minimum;
                result.SearchProbes = probes;
                result.SearchLimit = SearchLimit(profile, settings);
            }
            progress?.Report(candidate.Name, "done", 1);
            results.Add(result!);
        }
        return results;
    }

    /// <summary>How many times the workload's own scale the search goes: a workload that fails on every region up to
    /// this many times the larger of its peak live bytes, its largest request and the region size has no minimum.</summary>
    public const int SearchFactor = 64;

    /// <summary>The largest region the search tries: <see cref="SearchFactor"/> × the larger of the peak live bytes, the
    /// largest request and the region size (at least 64 granules; above 16 TiB, that size itself), and never past 2^64.</summary>
    public static ulong SearchLimit(TraceProfile profile, ComparisonSettings settings)
    {
        ulong basis = Math.Max(Math.Max(profile.PeakLiveBytes, profile.LargestRequest), settings.RegionSize ?? 0);
        ulong limit = basis > (1UL << 44) ? basis : Math.Max(basis * SearchFactor, settings.Granule * SearchFactor);
        return Math.Min(limit, settings.LargestRegionSize);
    }

    /// <summary>The smallest region on which every request succeeds (see <see cref="MinimumRegionSearch"/>), up to
    /// <see cref="SearchLimit"/>; null when none does.</summary>
    public static ulong? FindMinimumSize(TraceFile trace, TraceProfile profile, AllocatorCandidate candidate, ComparisonSettings settings,
        IComparisonProgress? progress, out int probes)
    {
        ulong granule = settings.Granule;
        ulong limit = SearchLimit(profile, settings);
        int tried = 0;
        ulong? found = MinimumRegionSearch.Find(size =>
        {
            tried++;
            progress?.Report(candidate.Name, $"min-size probe {tried} ({CmaSize.FormatApproximate(size)})", 0);
            ReplayResult r = RunOne(trace, profile, candidate, settings.RegionStart, size, granule, new ReplayOptions
            {
                StopAtFirstFailure = true,
                Progress = f => progress?.Report(candidate.Name, $"min-size probe {tried} ({CmaSize.FormatApproximate(size)})", f),
            });
            return r.Failed == 0 && r.Fault is null;
        }, profile.PeakLiveBytes, granule, limit, out probes);
        return found;
    }

    /// <summary>One replay on a fresh region; a region the allocator cannot manage (or whose creation throws) is a result with a fault.</summary>
    public static ReplayResult RunOne(TraceFile trace, TraceProfile? profile, AllocatorCandidate candidate, ulong start, ulong size, ulong granule,
        ReplayOptions options)
    {
        System.Diagnostics.Debug.Assert(size > 0 && size % granule == 0 && start <= ulong.MaxValue - size, "the command line checked the region");
        var region = new Region(new CmaRegion("compare", start, size, granule), granule, candidate.Name, candidate.Provider, s_noSettings, NullLogger.Instance);
        Exception? failure = region.Open();
        if (failure is not null || region.State != RegionState.Active)
        {
            return new ReplayResult
            {
                Name = candidate.Name, RegionSize = size, Granule = granule,
                Fault = region.FenceReason ?? failure?.Message ?? "the region could not be created",
                Refused = failure is CmaSettingsException,
            };
        }
        ReplayResult result;
        try
        {
            using ITraceReader reader = profile?.OpenReader(trace) ?? trace.OpenReader();
            result = AllocatorReplay.Run(reader, region, options);
        }
        finally
        {
            DisposeQuietly(region.Allocator);
        }
        if (options.TimeAllocator && result.Fault is null)
            Time(trace, profile, candidate, region.Info, result, options.WarmedOperations);
        return result;
    }

    /// <summary>A short trace's verified replay is too short for tiered compilation to reach the plugin's optimised code
    /// (on the 20K-operation devices trace the timed pass then reported 3–5× what the allocator costs): until the
    /// verified replay and untimed passes have run this many operations, more untimed passes run first (each on a fresh
    /// instance), for at most <see cref="WarmUpTime"/>.</summary>
    public const long WarmUpOperations = 1_000_000;

    /// <summary>The most time the untimed passes of <see cref="WarmUpOperations"/> take per allocator.</summary>
    public static readonly TimeSpan WarmUpTime = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs untimed passes (see <see cref="WarmUpOperations"/>) after a verified replay of
    /// <paramref name="operations"/> operations.</summary>
    private static void WarmUp(TraceFile trace, TraceProfile? profile, AllocatorCandidate candidate, CmaRegion info, long operations)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (operations < WarmUpOperations && System.Diagnostics.Stopwatch.GetElapsedTime(started) < WarmUpTime)
        {
            long pass = TimedPass(trace, profile, candidate, info).Latency.Operations;
            if (pass == 0)
                return;
            operations += pass;
        }
    }

    /// <summary>One pass of <see cref="AllocatorTiming"/> on a fresh instance over <paramref name="info"/>.</summary>
    private static TimedReplay TimedPass(TraceFile trace, TraceProfile? profile, AllocatorCandidate candidate, CmaRegion info)
    {
        ICmaAllocator allocator = candidate.Provider.Create(info, s_noSettings);
        try
        {
            using ITraceReader reader = profile?.OpenReader(trace) ?? trace.OpenReader();
            return AllocatorTiming.Run(reader, allocator, info.Size, info.Granule);
        }
        finally
        {
            DisposeQuietly(allocator);
        }
    }

    /// <summary>Times the allocator on a fresh instance over <paramref name="info"/> (<see cref="AllocatorTiming"/>),
    /// after the verified replay that found <paramref name="result"/>; an allocator that throws there gets no time and a
    /// <see cref="ReplayResult.TimingFault"/> instead.</summary>
    private static void Time(TraceFile trace, TraceProfile? profile, AllocatorCandidate candidate, CmaRegion info, ReplayResult result, long warmed)
    {
        try
        {
            WarmUp(trace, profile, candidate, info, result.Operations + warmed);
            result.Timing = TimedPass(trace, profile, candidate, info);
        }
        catch (Exception e) when (e is not TraceFormatException)
        {
            result.TimingFault = $"{candidate.Name} threw {e.GetType().Name} in the timed pass: {e.Message}";
        }
    }

    private static void DisposeQuietly(ICmaAllocator? allocator)
    {
        try
        {
            allocator?.Dispose();
        }
        catch (Exception)
        {
            // A plugin that throws on Dispose has nothing more to tell the comparison.
        }
    }
}
