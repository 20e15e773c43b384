using Cma.Runtime.Configuration;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Reload;

/// <summary>
/// The difference between the running configuration and a new, valid one, per region name: regions to add, regions to
/// remove, regions whose allocator or settings change (a live swap), and what cannot change while running (a region's
/// range, granule, alignment, backing, guard bytes, zeroing or poisoning, and its reusable options), each with its field.
/// </summary>
internal sealed class ReloadPlan
{
    /// <summary>Regions of the new configuration that are not running yet.</summary>
    public List<RegionOptions> Added { get; } = [];

    /// <summary>Running regions the new configuration no longer names.</summary>
    public List<Region> Removed { get; } = [];

    /// <summary>Running regions whose allocator or settings change, with their new options.</summary>
    public List<(Region Region, RegionOptions Options)> Swaps { get; } = [];

    /// <summary>Changes that cannot be applied while running.</summary>
    public List<string> Unsafe { get; } = [];

    /// <summary>Whether the map's rules change.</summary>
    public bool MapChanged { get; private set; }

    /// <summary>Whether there is nothing to apply.</summary>
    public bool IsEmpty => Added.Count + Removed.Count + Swaps.Count + Unsafe.Count == 0 && !MapChanged;

    /// <summary>Compares <paramref name="running"/> (the configuration the regions of <paramref name="topology"/> were built
    /// from) with <paramref name="next"/>.</summary>
    public static ReloadPlan Compute(CmaOptions running, CmaTopology topology, CmaOptions next)
    {
        var plan = new ReloadPlan();
        var old = running.Regions.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (RegionOptions r in next.Regions)
        {
            if (!old.TryGetValue(r.Name, out RegionOptions? was))
                plan.Added.Add(r);
            else
                plan.Compare(was, r, topology.ByName[r.Name]);
        }
        var names = next.Regions.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        plan.Removed.AddRange(topology.Regions.Where(r => !names.Contains(r.Info.Name)));
        plan.MapChanged = !running.Map.Rules.Select(r => r.ToString()).SequenceEqual(next.Map.Rules.Select(r => r.ToString()), StringComparer.Ordinal);
        return plan;
    }

    /// <summary>Records what changes for one region that stays.</summary>
    private void Compare(RegionOptions was, RegionOptions now, Region region)
    {
        string fixedNote = "cannot change while the region exists (its chunks sit at addresses it defines); restart the application to apply it, or give the region a new name";
        if (!was.Memory.IsBacked && !now.Memory.IsBacked && was.Start != now.Start)
            Unsafe.Add($"{now.Field}:Start: region '{now.Name}' Start 0x{was.Start:X} → 0x{now.Start:X} {fixedNote}.");
        if (was.Size != now.Size)
            Unsafe.Add($"{now.Field}:Size: region '{now.Name}' Size {CmaSize.Format(was.Size)} → {CmaSize.Format(now.Size)} {fixedNote}.");
        if (was.Granule != now.Granule)
            Unsafe.Add($"{now.Field}:Granule: region '{now.Name}' Granule {was.Granule} → {now.Granule} {fixedNote}.");
        if (was.Alignment != now.Alignment)
            Unsafe.Add($"{now.Field}:Alignment: region '{now.Name}' Alignment {was.Alignment} → {now.Alignment} {fixedNote}.");
        if (was.Memory != now.Memory)
            Unsafe.Add($"{now.Field}:Backing: region '{now.Name}' backing options (Backing, BackingPath, ZeroOnAllocate, PoisonOnFree, GuardBytes, Persist, PersistFlush) {fixedNote}.");
        if (was.Movable != now.Movable)
            Unsafe.Add($"{now.Field}:Reusable: region '{now.Name}' reusable options (Reusable, MovableFrom, MigrationRetries) cannot change while running; restart the application to apply them.");
        // Against the region itself: an allocator swapped by hand since (TrySwapAllocator) goes back to the configured one.
        if (region.AllocatorName != now.Allocator || SettingsText(region.Settings) != SettingsText(now.Settings))
            Swaps.Add((region, now));
    }

    /// <summary>Plugin directories, pins and hot reload as canonical text.</summary>
    public static string PluginsText(Plugins.PluginSources plugins) =>
        string.Join('\n', plugins.Directories) + "\n--\n" + string.Join('\n', plugins.Pins.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value))
        + "\n--\n" + plugins.HotReload;

    /// <summary>A settings section as canonical text: its key/value pairs, sorted, one per line.</summary>
    public static string SettingsText(IConfiguration settings) =>
        string.Join('\n', settings.AsEnumerable(makePathsRelative: true).Where(p => p.Value is not null)
            .OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => p.Key + "=" + p.Value));
}
