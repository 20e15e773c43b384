using Cma.Runtime.Plugins;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime;

/// <summary>
/// Plugin hot reload (<c>Plugins:HotReload</c>): when the catalog has loaded a new build of a plugin
/// (PluginCatalog.HotReload.cs), every region on one of its providers swaps to a new instance of the new build's provider
/// of the same name, with the region's current settings, under the region's lock, through the live swap (Region.Swap.cs):
/// its chunks are placed at their addresses in the new instance, so a region that holds chunks needs a plugin with exact
/// placement. A region whose swap fails keeps its old instance, which keeps serving (and keeps the old load context
/// alive); a later reload of the same plugin tries it again. Each region's swap counts in <c>cma.allocator_swaps</c>;
/// each reload is logged, counted in <c>cma.plugin_hot_reloads</c> (outcome ok, partial or failed) and published as
/// <see cref="LastHotReload"/>.
/// </summary>
internal sealed partial class CmaService
{
    /// <summary>The last hot reload's outcome, or null.</summary>
    private CmaHotReload? _lastHotReload;

    /// <summary>Raised after each plugin hot reload has been applied to the regions (on the plugin loader's thread).</summary>
    internal event Action<CmaHotReload>? HotReloaded;

    /// <summary>The last plugin hot reload's outcome, or null when none happened.</summary>
    internal CmaHotReload? LastHotReload => Volatile.Read(ref _lastHotReload);

    /// <summary>Listens for the catalog's reloads when it loaded the plugins for hot reload.</summary>
    private void AttachHotReload(PluginCatalog? catalog)
    {
        if (catalog is { HotReload: true })
            catalog.Reloaded += OnPluginReloaded;
    }

    /// <summary>Applies a reload to the regions, then logs, counts and publishes the outcome.</summary>
    private void OnPluginReloaded(PluginReload reload)
    {
        if (_disposed != 0)
            return;
        var swapped = new List<string>();
        var refused = new List<string>();
        if (reload.New.Count > 0)
        {
            var names = new HashSet<string>(reload.Old.Select(p => p.Name).Concat(reload.New.Select(p => p.Name)), StringComparer.Ordinal);
            foreach (Region region in Regions)
                SwapToNewBuild(region, names, reload.New, swapped, refused);
        }
        string outcome = reload.New.Count == 0 ? "failed" : refused.Count == 0 && reload.Failures.Count == 0 ? "ok" : "partial";
        var result = new CmaHotReload(reload.FilePath, outcome, swapped, refused, [.. reload.Failures.Select(f => f.Reason)]);
        Report(result);
        _metrics?.HotReload(Path.GetFileName(reload.FilePath), outcome);
        Volatile.Write(ref _lastHotReload, result);
        HotReloaded?.Invoke(result);
    }

    /// <summary>Swaps <paramref name="region"/> to the new build when it runs a provider named in <paramref name="names"/>
    /// (the plugin's providers, old and new) and not already the new instance; records the region as swapped or refused.</summary>
    private void SwapToNewBuild(Region region, HashSet<string> names, IReadOnlyList<PluginProvider> fresh, List<string> swapped, List<string> refused)
    {
        lock (region.Sync)
        {
            if (_disposed != 0 || !names.Contains(region.AllocatorName))
                return;
            PluginProvider? next = fresh.FirstOrDefault(p => p.Name == region.AllocatorName);
            if (next is null)
            {
                refused.Add($"{region.Info.Name}: the new build no longer provides '{region.AllocatorName}'");
                return;
            }
            if (ReferenceEquals(region.Provider, next.Instance))
                return;
            if (region.TrySwapAllocator(next.Name, next.Instance, region.Settings, out string? reason))
            {
                swapped.Add(region.Info.Name);
                _metrics?.Swap(region, "ok");
            }
            else
            {
                refused.Add($"{region.Info.Name}: {reason}");
                _metrics?.Swap(region, "refused");
            }
        }
    }

    /// <summary>Logs a hot reload's outcome.</summary>
    private void Report(CmaHotReload result)
    {
        string plugin = Path.GetFileName(result.FilePath);
        string failures = string.Join("; ", result.Failures);
        string refused = string.Join("; ", result.Refused);
        switch (result.Outcome)
        {
            case "ok":
                _logger.LogInformation("Plugin {Plugin} hot-reloaded: region(s) {Regions} now run the new build.", plugin, string.Join(", ", result.Swapped));
                break;
            case "partial":
                _logger.LogWarning("Plugin {Plugin} hot-reloaded in part: swapped {Swapped}; kept the old build: {Refused}; refused: {Failures}.",
                    plugin, string.Join(", ", result.Swapped), refused, failures);
                break;
            default:
                _logger.LogError("Plugin {Plugin}: its new build was refused ({Failures}); the old build keeps serving.", plugin, failures);
                break;
        }
    }
}
