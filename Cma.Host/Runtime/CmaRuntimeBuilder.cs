using System.Diagnostics.Metrics;
using Cma.Host.Configuration;
using Cma.Host.Plugins;
using Cma.Host.Regions;
using Microsoft.Extensions.Logging;

namespace Cma.Host;

/// <summary>
/// Binds validated options to loaded plugins: one <see cref="Region"/> per configured region with an allocator
/// created by the named provider. Plugin failures follow DESIGN.md's one rule: a provider that did not load makes
/// a region naming it a configuration problem (with the load failures listed); <see cref="CmaSettingsException"/>
/// from Create is a configuration problem shown with the region's name; anything else from Create fences the region.
/// </summary>
internal static class CmaRuntimeBuilder
{
    /// <summary>Builds the service, or returns every problem found.</summary>
    public static (CmaService? Service, IReadOnlyList<ConfigProblem> Problems) Build(
        CmaOptions options, PluginCatalog catalog, ILoggerFactory loggerFactory, IMeterFactory? meterFactory = null)
    {
        var problems = new List<ConfigProblem>();
        var regions = new List<Region>();
        ILogger regionLogger = loggerFactory.CreateLogger("Cma.Regions");
        foreach (RegionOptions r in options.Regions)
        {
            PluginProvider? provider = catalog.Find(r.Allocator);
            if (provider is null)
            {
                problems.Add(new ConfigProblem(r.Field + ":Allocator", UnknownAllocatorMessage(r.Allocator, catalog)));
                continue;
            }
            var region = new Region(new CmaRegion(r.Name, r.Start, r.Size, r.Granule), r.Alignment, r.Allocator, provider.Instance, r.Settings, regionLogger);
            if (region.Open() is CmaSettingsException e)
                problems.Add(new ConfigProblem(r.Field + ":Settings", $"region '{r.Name}' ({r.Allocator}): {e.Message}"));
            regions.Add(region);
        }
        if (problems.Count > 0)
            return (null, problems);
        var service = new CmaService(regions, options.Map, loggerFactory.CreateLogger<CmaService>(), new CmaMetrics(meterFactory));
        return (service, problems);
    }

    /// <summary>"'x' is not a loaded allocator" with the loaded names and every load failure.</summary>
    public static string UnknownAllocatorMessage(string name, PluginCatalog catalog)
    {
        string loaded = catalog.Providers.Count == 0 ? "none" : string.Join(", ", catalog.Providers.Select(p => p.Name));
        string failures = catalog.Failures.Count == 0 ? "" : " Plugins that failed to load: " + string.Join("; ", catalog.Failures) + ".";
        return $"'{name}' is not a loaded allocator. Loaded allocators: {loaded}. Name one of them, or add the plugin that provides '{name}' to Plugins:Directories.{failures}";
    }
}
