using System.Reflection;
using Cma.Conformance.Xunit;

namespace Cma.Plugins.Tests.Conformance;

/// <summary>
/// The compliance test of the kit: every provider in the first-party <c>plugins/</c> folder (as the host's catalog
/// loads it) has a subclass of <see cref="AllocatorConformanceTests"/> in this assembly whose
/// <see cref="AllocatorConformanceTests.AllocatorName"/> is the provider's name.
/// </summary>
public sealed class EveryPluginHasAConformanceSuiteTests
{
    /// <summary>A plugin without a conformance suite fails this test, naming it.</summary>
    [Fact]
    public void Every_first_party_plugin_has_a_conformance_suite()
    {
        var tested = new HashSet<string>(StringComparer.Ordinal);
        foreach (Type type in typeof(EveryPluginHasAConformanceSuiteTests).Assembly.GetTypes())
        {
            if (!type.IsAbstract && type.IsSubclassOf(typeof(AllocatorConformanceTests)))
                tested.Add(((AllocatorConformanceTests)Activator.CreateInstance(type)!).AllocatorName);
        }

        List<string> providers = [.. FirstPartyPlugins.Catalog.Providers.Select(p => p.Name)];
        List<string> untested = [.. providers.Where(name => !tested.Contains(name))];

        Assert.NotEmpty(providers);
        Assert.True(untested.Count == 0,
            $"These plugins in plugins/ have no conformance suite (a subclass of {nameof(AllocatorConformanceTests)} in " +
            $"{Assembly.GetExecutingAssembly().GetName().Name} whose AllocatorName is theirs): {string.Join(", ", untested)}.");
    }

    /// <summary>A plugin in plugins/ that fails to load would escape the check above: none may fail.</summary>
    [Fact]
    public void Every_first_party_plugin_loads_so_that_its_suite_can_be_found()
    {
        Assert.True(FirstPartyPlugins.Catalog.Failures.Count == 0,
            "Plugins in plugins/ failed to load: " + string.Join("; ", FirstPartyPlugins.Catalog.Failures));
    }
}
