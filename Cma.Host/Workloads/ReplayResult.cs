namespace Cma.Host.Workloads;

/// <summary>What one allocator did with one workload on one region: the numbers <c>cma compare</c> shows side by side.</summary>
internal sealed class ReplayResult
{
    /// <summary>What was replayed on: the allocator's name in a comparison (JSON <c>allocator</c>), the region's with its
    /// allocator in a replay through the map (<c>"camera (best-fit)"</c>, JSON <c>name</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The region size replayed on.</summary>
    public required ulong RegionSize { get; init; }

    /// <summary>The granule (sizes were rounded up to it).</summary>
    public required ulong Granule { get; init; }

    /// <summary>Operations replayed (allocations and frees).</summary>
    public long Operations { get; set; }

    /// <summary>Allocation requests.</summary>
    public long Requests { get; set; }

    /// <summary>Requests placed.</summary>
    public long Satisfied { get; set; }

    /// <summary>Requests the allocator could not place.</summary>
    public long Failed { get; set; }

    /// <summary>Frees replayed.</summary>
    public long Frees { get; set; }

    /// <summary>Frees skipped because that allocation had failed in this replay.</summary>
    public long FreesOfFailedSkipped { get; set; }

    /// <summary>Zero-size requests, replayed as one granule.</summary>
    public long ZeroSizeRequests { get; set; }

    /// <summary>The first failure, or null when every request was placed.</summary>
    public ReplayFailure? FirstFailure { get; set; }

    /// <summary>The largest live bytes (requests rounded to the granule) at any moment.</summary>
    public ulong PeakLiveBytes { get; set; }

    /// <summary>The operation at which live bytes first reached their peak.</summary>
    public long PeakLiveOp { get; set; }

    /// <summary>The highest end address touched, as an offset from the region start.</summary>
    public ulong PeakFootprint { get; set; }

    /// <summary>Peak live bytes / peak footprint (1 is perfect packing).</summary>
    public double Utilisation => PeakFootprint == 0 ? 0 : (double)PeakLiveBytes / PeakFootprint;

    /// <summary>Largest external fragmentation (1 − largest free block / free bytes) seen.</summary>
    public double FragmentationMax { get; set; }

    /// <summary>Mean external fragmentation over every operation.</summary>
    public double FragmentationMean { get; set; }

    /// <summary>Fragmentation samples taken (one per operation, so at least one per failure).</summary>
    public long FragmentationSamples { get; set; }

    /// <summary>Internal fragmentation at peak load: 1 − live / reserved (the allocator's own rounding).</summary>
    public double InternalFragmentation { get; set; }

    /// <summary>Bytes the trace asked for at peak load, before rounding to the granule.</summary>
    public ulong PeakRequestedBytes { get; set; }

    /// <summary>Allocator time per operation, from the timed pass (<see cref="AllocatorTiming"/>: no host checks, no
    /// parsing; the mean from batches, the percentiles from sampled operations); null when not timed.</summary>
    public LatencySummary? Latency => Timing?.Latency;

    /// <summary>The timed pass in full (batches left out, failures there); null when not timed.</summary>
    public TimedReplay? Timing { get; set; }

    /// <summary>Why the timed pass gave no time (the allocator threw there), or null.</summary>
    public string? TimingFault { get; set; }

    /// <summary>Seconds spent reading and parsing the trace.</summary>
    public double ParseSeconds { get; set; }

    /// <summary>Wall-clock seconds for the whole replay.</summary>
    public double WallSeconds { get; set; }

    /// <summary>Why the region was fenced (a plugin fault), or refused (see <see cref="Refused"/>); null when neither.</summary>
    public string? Fault { get; set; }

    /// <summary>Whether the allocator refused the region itself, as its contract allows (a <see cref="CmaSettingsException"/>
    /// from <c>Create</c>, e.g. a region larger than it manages): a result, not a plugin fault.</summary>
    public bool Refused { get; set; }

    /// <summary>Whether a plugin fault fenced the region: a <see cref="Fault"/> other than a refusal.</summary>
    public bool Fenced => Fault is not null && !Refused;

    /// <summary>Whether the replay stopped at the first failure (the minimum-size search does).</summary>
    public bool Stopped { get; set; }

    /// <summary>The smallest region on which every request succeeds, when searched.</summary>
    public ulong? MinimumRegionSize { get; set; }

    /// <summary>Regions tried by the search.</summary>
    public int SearchProbes { get; set; }

    /// <summary>The largest region the search would try (see <see cref="WorkloadComparison.SearchLimit"/>); 0 when not searched.</summary>
    public ulong SearchLimit { get; set; }

    /// <summary>What the reader skipped.</summary>
    public TraceCounters? Trace { get; set; }

    /// <summary>The time series (every operation sampled, folded to at most 2,048 points).</summary>
    public List<SeriesPoint> Series { get; set; } = [];

    /// <summary>Operations at which requests failed (the first 1,000).</summary>
    public List<long> FailureOps { get; set; } = [];

    /// <summary>Occupancy at peak load and at the first failure (when a report asked for them).</summary>
    public List<OccupancyMap> Occupancy { get; set; } = [];
}
