using Cma.Runtime.Mapping;

namespace Cma.Runtime.Configuration;

/// <summary>
/// The validated, immutable <c>Cma</c> configuration. Made only by <see cref="CmaConfigurationLoader"/>, so every
/// value here has passed validation: regions are named uniquely, placed and do not overlap; the map names only
/// regions that exist; every allocator name is one the catalog loaded. The plugin settings are not here: the
/// catalog was loaded from them before validation (<see cref="CmaConfigurationSource.Plugins"/>).
/// </summary>
internal sealed class CmaOptions
{
    /// <summary>The default granule (4 KiB, a page). <c>Granule</c>, <c>DefaultAllocator</c> and <c>PlacementBase</c>
    /// are applied to the regions (their granule, allocator and start), so they are not kept here.</summary>
    public const ulong DefaultGranule = 4096;

    /// <summary>The default allocator's provider name.</summary>
    public const string DefaultAllocatorName = "best-fit";

    /// <summary>Where the first region without a Start goes by default (1 GiB, so address 0 is never a chunk).</summary>
    public const ulong DefaultPlacementBase = 1UL << 30;

    /// <summary>Creates validated options, copying the collections; only the loader calls this.</summary>
    internal CmaOptions(IReadOnlyList<RegionOptions> regions, DeviceMap map)
    {
        Regions = Array.AsReadOnly(regions.ToArray());
        Map = map;
    }

    /// <summary>The regions in configuration order, each with its Start resolved.</summary>
    public IReadOnlyList<RegionOptions> Regions { get; }

    /// <summary>The device map; without <c>Map</c> in the configuration, one rule <c>*=&lt;every region in order&gt;</c>.</summary>
    public DeviceMap Map { get; }
}
