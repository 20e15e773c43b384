using System.Globalization;
using Cma.Runtime.Configuration;
using Cma.Runtime.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Cma.Host.Workloads;

/// <summary>What <c>cma compare --layouts</c> replays on: the allocator, the region, the granule.</summary>
internal sealed class LayoutSettings
{
    /// <summary>The allocator plugin every region uses (default settings).</summary>
    public required string Allocator { get; init; }

    /// <summary>The first address of the (contiguous or shared) region; the movable region follows it.</summary>
    public ulong RegionStart { get; init; } = 1UL << 30;

    /// <summary>The region's size (a multiple of <see cref="Granule"/>).</summary>
    public required ulong RegionSize { get; init; }

    /// <summary>The granule of every region.</summary>
    public ulong Granule { get; init; } = 4096;
}

/// <summary>
/// Replays one trace through the host (<see cref="MapReplay"/>) in three layouts, each built in-process from configuration
/// (an in-memory <c>Cma</c> section, validated and bound like a configuration file; address space only, so that the
/// replay's mover counts the moves): a reusable region taking both kinds; the same region for contiguous chunks with the
/// movable chunks carved out to a separate ordinary region; and one ordinary region shared without migration.
/// </summary>
internal static class LayoutComparison
{
    /// <summary>The region every request of the replay goes to.</summary>
    public const string MainRegion = "cma";

    /// <summary>The carve-out's region for movable chunks.</summary>
    public const string MovableRegion = "movable";

    /// <summary>Replays <paramref name="trace"/> in each layout, in the order of <see cref="MemoryLayout"/>.</summary>
    /// <exception cref="CmaConfigurationException">The layout's configuration was refused (e.g. a region past 2^64).</exception>
    public static List<LayoutResult> Run(TraceFile trace, TraceProfile profile, PluginCatalog catalog, ILoggerFactory loggers, LayoutSettings settings,
        IComparisonProgress? progress = null)
    {
        var results = new List<LayoutResult>(3);
        foreach (MemoryLayout layout in Enum.GetValues<MemoryLayout>())
        {
            ulong? movableSize = layout == MemoryLayout.CarveOut ? MovableRegionSize(profile, settings) : null;
            var result = new LayoutResult { Layout = layout, RegionSize = settings.RegionSize, MovableRegionSize = movableSize };
            using CmaService service = Build(layout, settings, movableSize, catalog, loggers);
            using ITraceReader reader = profile.OpenReader(trace);
            MapReplayResult replay = MapReplay.Run(reader, service, trace.Name, "workload", null, MainRegion,
                f => progress?.Report(result.Name, "replay", f), movableRegion: movableSize is null ? null : MovableRegion, timeContiguous: true);
            Fill(result, replay);
            progress?.Report(result.Name, "done", 1);
            results.Add(result);
        }
        return results;
    }

    /// <summary>The carve-out's movable region: as large as the whole workload's peak live bytes or the region, whichever
    /// is larger, twice over (address space only: its size costs nothing, and what the chunks needed is measured).</summary>
    public static ulong MovableRegionSize(TraceProfile profile, LayoutSettings settings)
    {
        ulong basis = Math.Max(profile.PeakLiveBytes, settings.RegionSize);
        ulong size = basis > ulong.MaxValue / 4 ? basis : basis * 2;
        return (size + settings.Granule - 1) / settings.Granule * settings.Granule;
    }

    /// <summary>The layout's service, bound from an in-memory configuration.</summary>
    private static CmaService Build(MemoryLayout layout, LayoutSettings settings, ulong? movableSize, PluginCatalog catalog, ILoggerFactory loggers)
    {
        var values = new Dictionary<string, string?>
        {
            ["Cma:Granule"] = Text(settings.Granule),
            ["Cma:DefaultAllocator"] = settings.Allocator,
            ["Cma:Regions:0:Name"] = MainRegion,
            ["Cma:Regions:0:Start"] = Text(settings.RegionStart),
            ["Cma:Regions:0:Size"] = Text(settings.RegionSize),
            ["Cma:Map:0"] = "*=" + MainRegion,
        };
        if (layout == MemoryLayout.Reusable)
            values["Cma:Regions:0:Reusable"] = "true";
        if (movableSize is ulong size)
        {
            values["Cma:Regions:1:Name"] = MovableRegion;
            values["Cma:Regions:1:Start"] = Text(settings.RegionStart + settings.RegionSize);
            values["Cma:Regions:1:Size"] = Text(size);
        }
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        CmaConfigurationSource source = CmaConfigurationLoader.ReadSection(configuration.GetSection("Cma"), AppContext.BaseDirectory);
        ConfigLoadResult loaded = CmaConfigurationLoader.Validate(source, [.. catalog.Providers.Select(p => p.Name)]);
        IReadOnlyList<ConfigProblem> problems = loaded.Problems;
        if (loaded.Options is CmaOptions options)
        {
            (CmaService? service, problems) = CmaRuntimeBuilder.Build(options, catalog, loggers);
            if (service is not null)
                return service;
        }
        throw new CmaConfigurationException("the " + layout + " layout cannot be built: " + string.Join("; ", problems.Select(p => p.ToString())));
    }

    /// <summary>Copies what the layout needs from the replay.</summary>
    private static void Fill(LayoutResult result, MapReplayResult replay)
    {
        result.ContiguousRequests = replay.ContiguousRequests;
        result.ContiguousSatisfied = replay.ContiguousSatisfied;
        result.MovableRequests = replay.Movable.Requests;
        result.MovableSatisfied = replay.Movable.Satisfied;
        result.Migrations = replay.Migration.Sum(m => m.Migrations);
        result.MigratedBytes = replay.Migration.Aggregate(0UL, (sum, m) => sum + m.MigratedBytes);
        result.DiscardedChunks = replay.Migration.Sum(m => m.DiscardedChunks);
        result.BlockedByPins = replay.Migration.Sum(m => m.BlockedByPins);
        result.BlockedNoRoom = replay.Migration.Sum(m => m.BlockedNoRoom);
        result.ContiguousLatency = replay.ContiguousLatency;
        result.WallSeconds = replay.WallSeconds;
        result.Fault = replay.Regions.Select(r => r.Fault).FirstOrDefault(f => f is not null);
        if (result.MovableRegionSize is not null && replay.Regions.Count > 1)
        {
            result.MovableNeed = replay.Regions[1].PeakLiveBytes;
            result.MovableFootprint = replay.Regions[1].PeakFootprint;
        }
    }

    private static string Text(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
