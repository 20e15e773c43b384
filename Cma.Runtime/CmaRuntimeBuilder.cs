using System.Diagnostics.Metrics;
using Cma.Runtime.Configuration;
using Cma.Runtime.Memory;
using Cma.Runtime.Plugins;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime;

/// <summary>
/// Binds validated options to loaded plugins: one <see cref="Region"/> per configured region with an allocator
/// created by the named provider. Plugin failures follow DESIGN.md's one rule: a provider that did not load makes
/// a region naming it a configuration problem (with the load failures listed); <see cref="CmaSettingsException"/>
/// from Create is a configuration problem shown with the region's name; anything else from Create fences the region.
/// </summary>
internal static class CmaRuntimeBuilder
{
    /// <summary>Builds the service, or returns every problem found. The service keeps <paramref name="options"/>, the catalog
    /// and <paramref name="baseDirectory"/> (default: the application's folder) to validate and apply a reloaded section
    /// the same way.</summary>
    public static (CmaService? Service, IReadOnlyList<ConfigProblem> Problems) Build(
        CmaOptions options, PluginCatalog catalog, ILoggerFactory loggerFactory, IMeterFactory? meterFactory = null, string? baseDirectory = null)
    {
        var problems = new List<ConfigProblem>();
        ILogger regionLogger = loggerFactory.CreateLogger("Cma.Regions");
        List<Region> regions = BuildRegions(options.Regions, options.Regions, [], catalog, regionLogger, problems);
        if (problems.Count > 0)
            return (null, problems);
        var service = new CmaService(regions, options.Map, loggerFactory.CreateLogger<CmaService>(), new CmaMetrics(meterFactory), catalog)
        {
            Configured = options,
            BaseDirectory = baseDirectory ?? AppContext.BaseDirectory,
            RegionLogger = regionLogger,
        };
        return (service, problems);
    }

    /// <summary>Builds the regions <paramref name="toBuild"/> names — at start all of them, in a reload the added ones —
    /// exactly the same way: backed regions mapped, each region's allocator created by its provider. Planning regions
    /// of <paramref name="configured"/> (the whole configuration) must not overlap the new mappings, nor new planning
    /// regions the mappings of <paramref name="running"/> (the regions that stay). On any problem (added to
    /// <paramref name="problems"/>) everything built here is released and the list is empty.</summary>
    internal static List<Region> BuildRegions(IReadOnlyList<RegionOptions> toBuild, IReadOnlyList<RegionOptions> configured,
        IReadOnlyList<Region> running, PluginCatalog catalog, ILogger regionLogger, List<ConfigProblem> problems)
    {
        int before = problems.Count;
        var regions = new List<Region>();
        RegionMemory?[] memories = MapBackedRegions(toBuild, problems);
        CheckOverlaps(configured, [.. toBuild.Select((r, i) => (r.Name, memories[i])), .. running.Select(r => (r.Info.Name, r.Memory))], problems);
        for (int i = 0; i < toBuild.Count; i++)
        {
            RegionOptions r = toBuild[i];
            PluginProvider? provider = catalog.Find(r.Allocator);
            if (provider is null)
            {
                problems.Add(new ConfigProblem(r.Field + ":Allocator", $"region '{r.Name}': {AllocatorNotLoaded.Message(r.Allocator, catalog)}"));
                continue;
            }
            if (r.Memory.IsBacked && memories[i] is null)
                continue;   // its mapping failed (reported)
            ulong start = memories[i]?.Base ?? r.Start;
            var region = new Region(new CmaRegion(r.Name, start, r.Size, r.Granule), r.Alignment, r.Allocator, provider.Instance, r.Settings, regionLogger)
            {
                Memory = memories[i],
                MovableOptions = r.Movable,
            };
            if (region.Open() is CmaSettingsException e)
                problems.Add(new ConfigProblem(r.Field + ":Settings", $"region '{r.Name}' ({r.Allocator}): {e.Message}"));
            else if (r.Memory.Persist && region.State == RegionState.Active
                && region.OpenJournal(Persistence.ChunkJournal.PathFor(r.Memory.BackingPath!), r.Memory.FlushEachChange) is { } persistProblem)
                problems.Add(new ConfigProblem(r.Field + ":Persist", $"region '{r.Name}': {persistProblem}"));
            regions.Add(region);
        }
        if (problems.Count == before)
            return regions;
        foreach (Region region in regions)
        {
            lock (region.Sync)
                region.Close();   // disposes its allocator and its memory
        }
        foreach (RegionMemory? memory in memories)
        {
            if (memory is not null && !regions.Any(r => ReferenceEquals(r.Memory, memory)))
                memory.Dispose();
        }
        return [];
    }

    /// <summary>Maps every backed region (index-parallel to <paramref name="regions"/>; null for planning regions and
    /// failed mappings, each failure a problem).</summary>
    private static RegionMemory?[] MapBackedRegions(IReadOnlyList<RegionOptions> regions, List<ConfigProblem> problems)
    {
        var memories = new RegionMemory?[regions.Count];
        for (int i = 0; i < regions.Count; i++)
        {
            RegionOptions r = regions[i];
            if (!r.Memory.IsBacked)
                continue;
            try
            {
                memories[i] = RegionMemory.Map(r.Name, r.Field, r.Size, r.Alignment, r.Memory);
            }
            catch (BackingFileConflictException e)
            {
                problems.Add(new ConfigProblem(r.Field + ":BackingPath", e.Message));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or OutOfMemoryException or NotSupportedException or DllNotFoundException)
            {
                string what = r.Memory.BackingPath is { } path ? $"{r.Memory.Backing} '{path}'" : r.Memory.Backing.ToString();
                problems.Add(new ConfigProblem(r.Field + ":Backing", $"region '{r.Name}' ({CmaSize.Format(r.Size)}, Backing {what}) could not be mapped: {e.Message} Make the region smaller, fix the path or its permissions, or set \"Backing\": \"None\"."));
            }
        }
        return memories;
    }

    /// <summary>Reports each planning region of <paramref name="configured"/> that numerically overlaps one of
    /// <paramref name="mappings"/> (a region's name and its mapping, or null when it has none).</summary>
    private static void CheckOverlaps(IReadOnlyList<RegionOptions> configured, IReadOnlyList<(string Name, RegionMemory? Memory)> mappings, List<ConfigProblem> problems)
    {
        foreach (RegionOptions planned in configured)
        {
            if (planned.Memory.IsBacked)
                continue;
            foreach ((string name, RegionMemory? memory) in mappings)
            {
                if (memory is { } m && planned.Start < m.Base + m.Size && m.Base < planned.End)
                    problems.Add(new ConfigProblem(planned.Field, $"planning region '{planned.Name}' [0x{planned.Start:X}, 0x{planned.End:X}) overlaps the mapping of region '{name}' [0x{m.Base:X}, 0x{m.Base + m.Size:X}) (Backing {m.Backing}); chunk addresses would be ambiguous. Give '{planned.Name}' a Start outside it (or a different PlacementBase)."));
            }
        }
    }
}
