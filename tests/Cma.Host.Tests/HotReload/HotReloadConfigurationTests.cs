using Cma.Host.Tests.Configuration;
using System.Runtime.Loader;
using Cma.Runtime.Configuration;
using Cma.Runtime.Plugins;
using Microsoft.Extensions.Configuration;
using static Cma.Host.Tests.Configuration.ConfigAssert;

namespace Cma.Host.Tests.HotReload;

/// <summary><c>Plugins:HotReload</c>: true or false, false by default, validated like the other keys.</summary>
public sealed class HotReloadConfigurationTests
{
    [Fact]
    public void Hot_reload_is_off_by_default_and_on_when_set_to_true()
    {
        Assert.False(Read(Config("""[ { "Name": "a", "Size": "1M" } ]""")).Plugins.HotReload);
        Assert.True(Read(Config("""[ { "Name": "a", "Size": "1M" } ]""", """ "Plugins": { "HotReload": true } """)).Plugins.HotReload);
    }

    [Fact]
    public void A_hot_reload_that_is_not_true_or_false_is_reported_with_the_fix()
    {
        ConfigLoadResult result = Load(Config("""[ { "Name": "a", "Size": "1M" } ]""", """ "Plugins": { "HotReload": "yes" } """));

        Problem(result, "Cma:Plugins:HotReload", "expected true or false", "\"HotReload\": true");
    }

    [Fact]
    public void A_hot_reload_from_the_environment_must_be_true_or_false()
    {
        var environment = new Dictionary<string, string> { ["CMA_Cma__Plugins__HotReload"] = "maybe" };

        ConfigLoadResult result = Load(Config("""[ { "Name": "a", "Size": "1M" } ]"""), environment);

        Problem(result, "Cma:Plugins:HotReload", "'maybe' is not true or false");
    }

    [Fact]
    public void An_application_section_turns_hot_reload_on_with_a_string_as_configuration_providers_give_it()
    {
        IConfiguration section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Regions:0:Name"] = "a",
            ["Regions:0:Size"] = "1M",
            ["Plugins:HotReload"] = "True",
        }).Build();

        Assert.True(CmaConfigurationLoader.ReadSection(section, AppContext.BaseDirectory).Plugins.HotReload);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_flag_reaches_the_loaders_of_every_folder_the_first_party_plugins_included(bool hotReload)
    {
        var sources = new PluginSources([Path.Combine(AppContext.BaseDirectory, "test-plugins")], new Dictionary<string, string>(), hotReload);

        using PluginCatalog catalog = PluginCatalog.Load(sources, null, null);

        Assert.Equal(hotReload, catalog.HotReload);
        Assert.Contains(catalog.Providers, p => p.Name == "best-fit");
        Assert.Contains(catalog.Providers, p => p.Name == "faulty");
        Assert.All(catalog.Providers, p => Assert.Equal(hotReload, AssemblyLoadContext.GetLoadContext(p.Instance.GetType().Assembly)!.IsCollectible));
    }

    /// <summary>Reads <paramref name="json"/> as the host does (without validating against plugins).</summary>
    private static CmaConfigurationSource Read(string json)
    {
        using var folder = new TempConfigFolder();
        return CmaConfigurationLoader.Read(folder.Write(json), folder.Path, folder.Path, NoEnvironment);
    }
}
