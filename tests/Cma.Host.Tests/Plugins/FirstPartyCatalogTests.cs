using Cma.Runtime.Plugins;

namespace Cma.Host.Tests.Plugins;

public class FirstPartyCatalogTests
{
    [Fact]
    public void The_catalog_loads_the_real_best_fit_dll_from_its_plugin_folder_in_its_own_load_context()
    {
        using PluginCatalog catalog = PluginCatalog.Load([PluginCatalog.FirstPartyDirectory]);

        PluginProvider bestFit = Assert.Single(catalog.Providers, p => p.Name == "best-fit");
        Assert.Equal(Path.Combine(PluginCatalog.FirstPartyDirectory, "Cma.Plugins.BestFit", "Cma.Plugins.BestFit.dll"), bestFit.FilePath);
        // The provider's contract type is the host's own (shared), while the plugin assembly lives in another context.
        Assert.IsAssignableFrom<ICmaAllocatorProvider>(bestFit.Instance);
        var pluginContext = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(bestFit.Instance.GetType().Assembly);
        Assert.NotSame(System.Runtime.Loader.AssemblyLoadContext.Default, pluginContext);
        Assert.Same(typeof(ICmaAllocatorProvider).Assembly,
            bestFit.Instance.GetType().GetInterfaces().Single(i => i.Name == nameof(ICmaAllocatorProvider)).Assembly);
        Assert.Empty(catalog.Failures);
    }

    [Fact]
    public void A_provider_loaded_from_a_dll_creates_a_working_allocator()
    {
        using PluginCatalog catalog = PluginCatalog.Load([PluginCatalog.FirstPartyDirectory]);
        ICmaAllocatorProvider provider = catalog.Find("best-fit")!.Instance;
        var settings = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();

        using ICmaAllocator allocator = provider.Create(new CmaRegion("r", 1UL << 30, 1UL << 20, 4096), settings);

        Assert.True(allocator.TryAllocate(64 * 1024, 1UL << 20, out ulong address));
        Assert.Equal(0UL, address % (1UL << 20));
        Assert.Equal((1UL << 20) - 64 * 1024, allocator.Stats.FreeBytes);
    }

    [Fact]
    public void An_explicit_path_may_be_one_plugins_own_folder()
    {
        string folder = Path.Combine(PluginCatalog.FirstPartyDirectory, "Cma.Plugins.Buddy");

        using PluginCatalog catalog = PluginCatalog.Load([], [folder]);

        Assert.Equal(["buddy"], catalog.Providers.Select(p => p.Name));
        Assert.Empty(catalog.Failures);
    }
}
