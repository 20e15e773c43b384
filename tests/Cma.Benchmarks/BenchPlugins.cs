using Cma.Runtime;
using Cma.Runtime.Mapping;
using Cma.Runtime.Plugins;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cma.Benchmarks;

/// <summary>
/// The first-party plugins, loaded once through the catalog from <c>plugins/</c> beside the executable (as the host
/// loads them), and the two ways a benchmark drives one: a raw allocator, or a one-region host service.
/// </summary>
internal static class BenchPlugins
{
    /// <summary>Where benchmark regions start: 64 GiB, so that every benchmark region (≤ 64 GiB, a power of two) is one
    /// naturally aligned block, as a buddy wants.</summary>
    public const ulong RegionStart = 64UL << 30;

    /// <summary>The allocators the suite measures.</summary>
    public static readonly string[] Names = ["best-fit", "bitmap", "buddy", "tlsf"];

    /// <summary>How a benchmark drives an allocator: "raw" calls the plugin, "host" goes through a host service.</summary>
    public static readonly string[] Paths = ["raw", "host"];

    /// <summary>The catalog, loaded on first use and kept for the process.</summary>
    private static readonly Lazy<PluginCatalog> s_catalog = new(() => PluginCatalog.Load([PluginCatalog.FirstPartyDirectory]));

    /// <summary>The loaded first-party plugins (loaded on first use).</summary>
    public static PluginCatalog Catalog => s_catalog.Value;

    /// <summary>An empty settings section: every plugin at its defaults.</summary>
    private static readonly IConfiguration s_noSettings = new ConfigurationBuilder().Build();

    /// <summary>The provider named <paramref name="name"/>.</summary>
    public static ICmaAllocatorProvider Provider(string name)
    {
        foreach (PluginProvider p in s_catalog.Value.Providers)
        {
            if (p.Name == name)
                return p.Instance;
        }
        throw new InvalidOperationException($"Plugin '{name}' is not in {PluginCatalog.FirstPartyDirectory}; failures: "
            + string.Join("; ", s_catalog.Value.Failures));
    }

    /// <summary>The benchmark region of <paramref name="size"/> bytes.</summary>
    public static CmaRegion Region(ulong size, string name = "bench", ulong start = RegionStart) => new(name, start, size, BenchTrace.Granule);

    /// <summary>A raw allocator over a fresh benchmark region.</summary>
    /// <remarks><c>floor</c> is the <see cref="FloorAllocator"/>: the harness's own cost.</remarks>
    public static ICmaAllocator CreateRaw(string allocator, ulong regionSize) => allocator == "floor"
        ? new FloorAllocator(Region(regionSize))
        : Provider(allocator).Create(Region(regionSize), s_noSettings);

    /// <summary>An opened host region (guard and registry) over <paramref name="info"/>.</summary>
    public static Region OpenRegion(string allocator, CmaRegion info)
    {
        var region = new Region(info, BenchTrace.Granule, allocator, Provider(allocator), s_noSettings, NullLogger.Instance);
        if (region.Open() is not null || region.State != RegionState.Active)
            throw new InvalidOperationException($"Region '{info.Name}' did not open: {region.FenceReason}");
        return region;
    }

    /// <summary>A host service with one region, reached by every device (map <c>*=bench</c>), without metrics.</summary>
    public static CmaService CreateHost(string allocator, ulong regionSize) =>
        new([OpenRegion(allocator, Region(regionSize))], DeviceMap.CatchAll(["bench"]), NullLogger.Instance);
}
