using Cma.Runtime.Plugins;
using Microsoft.Extensions.Configuration;

namespace Cma.Plugins.Tests;

/// <summary>
/// The first-party plugins as the host sees them: loaded as DLLs from <c>plugins/</c> beside this test
/// assembly (the build copies them there) through the host's <see cref="PluginCatalog"/>, each in its own
/// load context. Tests get allocators from here, never through a project reference.
/// </summary>
internal static class FirstPartyPlugins
{
    /// <summary>The catalog over this test run's <c>plugins/</c> folder, loaded once.</summary>
    private static readonly Lazy<PluginCatalog> s_catalog = new(() => PluginCatalog.Load([PluginCatalog.FirstPartyDirectory]));

    /// <summary>Catalogs of other directories (e.g. test-plugins), loaded once each.</summary>
    private static readonly Dictionary<string, PluginCatalog> s_others = [];

    /// <summary>The catalog of the first-party plugins.</summary>
    public static PluginCatalog Catalog => s_catalog.Value;

    /// <summary>Creates an allocator of the named provider for <paramref name="region"/>.</summary>
    public static ICmaAllocator Create(string allocatorName, CmaRegion region, IReadOnlyDictionary<string, string?>? settings = null) =>
        Provider(allocatorName).Create(region, Settings(settings));

    /// <summary>The named first-party provider; fails the test with the load failures if it is missing.</summary>
    public static ICmaAllocatorProvider Provider(string allocatorName) =>
        Catalog.Find(allocatorName)?.Instance
        ?? throw new InvalidOperationException($"No provider '{allocatorName}' in {PluginCatalog.FirstPartyDirectory}. Loaded: "
            + string.Join(", ", Catalog.Providers.Select(p => p.Name)) + ". Failures: " + string.Join("; ", Catalog.Failures));

    /// <summary>Every provider found in <paramref name="pluginsDirectory"/> (absolute, or relative to this assembly's folder).</summary>
    public static IReadOnlyList<ICmaAllocatorProvider> LoadProviders(string pluginsDirectory)
    {
        string dir = Path.IsPathRooted(pluginsDirectory) ? pluginsDirectory : Path.Combine(AppContext.BaseDirectory, pluginsDirectory);
        PluginCatalog catalog;
        lock (s_others)
        {
            if (!s_others.TryGetValue(dir, out catalog!))
            {
                catalog = PluginCatalog.Load([dir]);
                s_others[dir] = catalog;
            }
        }
        return catalog.Providers.Select(p => p.Instance).ToList();
    }

    /// <summary>A settings section built from key/value pairs (null or empty: an empty section).</summary>
    public static IConfiguration Settings(IReadOnlyDictionary<string, string?>? settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
}
