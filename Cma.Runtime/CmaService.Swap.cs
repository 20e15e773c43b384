using Cma.Runtime.Plugins;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime;

/// <summary>Live allocator swap: a region's allocator or settings change while it holds chunks (see Region.Swap.cs).</summary>
internal sealed partial class CmaService
{
    /// <summary>An empty settings section.</summary>
    private static readonly IConfiguration s_noSettings = new ConfigurationBuilder().Build();

    /// <inheritdoc/>
    public bool TrySwapAllocator(string region, string allocator, IConfiguration? settings, out string? reason)
    {
        PluginCallScope.ThrowIfInside();
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(allocator);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Region r = RegionNamed(region, nameof(region));
        PluginProvider? provider = _catalog?.Find(allocator);
        if (provider is null)
        {
            reason = _catalog is null
                ? "this host was built without its plugin catalog, so it cannot create allocators"
                : Configuration.AllocatorNotLoaded.Message(allocator, _catalog);
            return false;
        }
        bool swapped;
        lock (r.Sync)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            // No settings: keep the region's when the allocator stays (a restart of the instance), none when it changes.
            settings ??= provider.Name == r.AllocatorName ? r.Settings : s_noSettings;
            swapped = r.TrySwapAllocator(provider.Name, provider.Instance, settings, out reason);
        }
        if (swapped)
            _metrics?.Swap(r, "ok");
        else
        {
            _metrics?.Swap(r, "refused");
            _logger.LogWarning("Swapping the allocator of region {Region} to {Allocator} was refused: {Reason}. The old allocator keeps serving.", region, allocator, reason);
        }
        return swapped;
    }
}
