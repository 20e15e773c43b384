using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text;
using Cma.Runtime.Configuration;
using Cma.Runtime.Plugins;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cma.Host.Tests.Api;

/// <summary>
/// A host built the way the CLI builds one: a plugin catalog of its own (first-party plugins plus the <c>faulty</c>
/// test plugin, loaded through the catalog as a real DLL), the configuration validated from an in-memory <c>Cma</c>
/// section, and the regions bound by <see cref="CmaRuntimeBuilder"/>, with a meter factory of its own so that parallel
/// tests never count each other's operations.
/// </summary>
internal sealed class TestHost : IDisposable
{
    /// <summary>The services that own <see cref="Meters"/>.</summary>
    private readonly ServiceProvider _services;

    private TestHost(PluginCatalog catalog, CmaService service, ServiceProvider services)
    {
        Catalog = catalog;
        Service = service;
        _services = services;
    }

    /// <summary>The faulty test plugin's DLL, as the test project's build copied it.</summary>
    public static string FaultyPluginPath =>
        Path.Combine(AppContext.BaseDirectory, "test-plugins", "Cma.TestPlugins.Faulty", "Cma.TestPlugins.Faulty.dll");

    /// <summary>The loaded plugins.</summary>
    public PluginCatalog Catalog { get; }

    /// <summary>The host API under test.</summary>
    public CmaService Service { get; }

    /// <summary>The meter factory the service's <c>Cma</c> meter came from (for <c>MetricCollector</c>).</summary>
    public IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    /// <summary>Builds a host over <paramref name="regions"/> (a JSON array) and an optional map (a JSON array of rules).
    /// <paramref name="beforeBuild"/> runs after the plugins load and before the regions are opened.</summary>
    public static TestHost Start(string regions, string? map = null, Action<TestHost.Loaded>? beforeBuild = null, string[]? extraPlugins = null)
    {
        string json = $$"""{ "Cma": { "Regions": {{regions}} {{(map is null ? "" : ", \"Map\": " + map)}} } }""";
        IConfigurationRoot root = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        PluginCatalog catalog = PluginCatalog.Load([PluginCatalog.FirstPartyDirectory], [FaultyPluginPath, .. extraPlugins ?? []]);
        ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        beforeBuild?.Invoke(new Loaded(catalog, services.GetRequiredService<IMeterFactory>()));
        ConfigLoadResult config = CmaConfigurationLoader.Validate(CmaConfigurationLoader.ReadSection(root.GetSection("Cma"), AppContext.BaseDirectory), [.. catalog.Providers.Select(p => p.Name)]);
        Assert.True(config.IsValid, string.Join(Environment.NewLine, config.Problems));
        (CmaService? service, IReadOnlyList<ConfigProblem> problems) = CmaRuntimeBuilder.Build(
            config.Options!, catalog, NullLoggerFactory.Instance, services.GetRequiredService<IMeterFactory>());
        Assert.True(service is not null, string.Join(Environment.NewLine, problems));
        return new TestHost(catalog, service, services);
    }

    /// <summary>One region of the faulty plugin, as JSON; <paramref name="hook"/> names the <c>AppContext</c> entry its
    /// calling-out faults call (see <c>Guard/PluginHook</c>).</summary>
    public static string FaultyRegion(string name, string fault, int afterOps = 0, string size = "1M", int delayMs = 500, string? hook = null) =>
        $$"""{ "Name": "{{name}}", "Size": "{{size}}", "Allocator": "faulty", "Settings": { "Fault": "{{fault}}", "AfterOps": {{afterOps}}, "DelayMs": {{delayMs}}{{(hook is null ? "" : $", \"Hook\": \"{hook}\"")}} } }""";

    /// <summary>One region of a first-party allocator, as JSON.</summary>
    public static string Region(string name, string allocator = "best-fit", string size = "1M") =>
        $$"""{ "Name": "{{name}}", "Size": "{{size}}", "Allocator": "{{allocator}}" }""";

    /// <summary>The host's region object (internal state: registry, allocator instance).</summary>
    public Region RegionNamed(string name) => Service.FindRegion(name) ?? throw new ArgumentException(name);

    /// <summary>Reads a public integer property of region <paramref name="name"/>'s current allocator instance by reflection.</summary>
    public int AllocatorCounter(string name, string property) =>
        (int)RegionNamed(name).Allocator!.GetType().GetProperty(property)!.GetValue(RegionNamed(name).Allocator)!;

    /// <summary>Every region's snapshot and every live chunk (start, size, owner), as one comparable text.</summary>
    public string StateText()
    {
        var text = new StringBuilder();
        foreach (CmaRegionSnapshot snapshot in Service.GetRegions())
        {
            text.AppendLine(snapshot.ToString());
            Region region = RegionNamed(snapshot.Name);
            lock (region.Sync)
                region.Chunks.ForEach((start, entry) => text.Append("  0x").Append(start.ToString("X")).Append(' ').AppendLine(entry.ToString()));
        }
        return text.ToString();
    }

    public void Dispose()
    {
        Service.Dispose();
        Catalog.Dispose();
        _services.Dispose();
    }

    /// <summary>What exists before the regions open: the catalog and the meter factory.</summary>
    internal sealed record Loaded(PluginCatalog Catalog, IMeterFactory Meters);
}
