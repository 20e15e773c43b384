namespace Cma.Plugins.Tests.Conformance;

/// <summary>The providers of the broken test plugin (Cma.TestPlugins.Broken), loaded as a DLL from <c>test-plugins/</c>
/// beside this assembly through the host's catalog, as the CLI would load a third party's plugin.</summary>
internal static class BrokenPlugins
{
    /// <summary>The named provider; fails the test, listing what was found, when it is missing.</summary>
    public static ICmaAllocatorProvider Provider(string name)
    {
        IReadOnlyList<ICmaAllocatorProvider> providers = FirstPartyPlugins.LoadProviders(Path.Combine(AppContext.BaseDirectory, "test-plugins"));
        foreach (ICmaAllocatorProvider provider in providers)
        {
            if (provider.Name == name)
                return provider;
        }
        throw new InvalidOperationException($"No provider '{name}' in test-plugins/; found: {string.Join(", ", providers.Select(p => p.Name))}.");
    }
}
