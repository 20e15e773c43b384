using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text;
using Cma.Runtime.Configuration;
using Cma.Runtime.Plugins;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;

namespace Cma.Host.Tests.HotReload;

/// <summary>
/// A host with <c>Plugins:HotReload</c> on over a temporary plugin folder that holds build A of the <c>versioned</c> test
/// plugin (tests/TestPlugins/Cma.TestPlugins.VersionedA; build B is beside it in test-plugins/versioned-b/). Helpers that
/// touch the plugin's objects are never inlined, so that no test method keeps a reference into an old load context.
/// </summary>
internal sealed class HotReloadHost : IDisposable
{
    /// <summary>The plugin's folder name and DLL name (both builds).</summary>
    public const string PluginName = "Cma.TestPlugins.Versioned";

    /// <summary>The services that own the meter factory.</summary>
    private readonly ServiceProvider _services;

    /// <summary>Signalled by each hot reload the service applies (outcomes in order).</summary>
    private readonly Queue<TaskCompletionSource<CmaHotReload>> _waiting = new();

    private HotReloadHost(string folder, PluginCatalog catalog, CmaService service, ServiceProvider services, FakeLogCollector logs)
    {
        Logs = logs;
        Folder = folder;
        Catalog = catalog;
        Service = service;
        _services = services;
    }

    /// <summary>What the service logged (the plugin's own loggers are null loggers: a log record must not keep its types).</summary>
    public FakeLogCollector Logs { get; }

    /// <summary>The temporary plugin directory (holding <c>Cma.TestPlugins.Versioned/</c>).</summary>
    public string Folder { get; }

    /// <summary>The plugin's DLL in <see cref="Folder"/>.</summary>
    public string PluginDll => Path.Combine(Folder, PluginName, PluginName + ".dll");

    /// <summary>The catalog (loaded with hot reload on).</summary>
    public PluginCatalog Catalog { get; }

    /// <summary>The service.</summary>
    public CmaService Service { get; }

    /// <summary>The meter factory of the service's meter.</summary>
    public IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    /// <summary>The folder a build of the plugin was copied to by the test project's build ("a" or "b").</summary>
    public static string BuildFolder(string build) =>
        Path.Combine(AppContext.BaseDirectory, "test-plugins", "versioned-" + build, PluginName);

    /// <summary>Copies build A into a new temporary plugin folder and starts a host over <paramref name="regions"/> (a JSON
    /// array) with hot reload on; <paramref name="pinBuildA"/> pins the DLL to build A's SHA-256.</summary>
    public static HotReloadHost Start(string regions, bool pinBuildA = false)
    {
        string folder = Path.Combine(Path.GetTempPath(), "cma-hot-reload-" + Guid.NewGuid().ToString("N"));
        Plugins.TestAssemblies.CopyFiles(BuildFolder("a"), Path.Combine(folder, PluginName));
        string dll = Path.Combine(folder, PluginName, PluginName + ".dll");
        Dictionary<string, string>? pins = pinBuildA ? new() { [PluginName + ".dll"] = PluginCatalog.Sha256Of(dll) } : null;
        PluginCatalog catalog = PluginCatalog.Load([folder], null, pins, NullLoggerFactory.Instance, hotReload: true);
        string json = $$"""{ "Cma": { "Regions": {{regions}} } }""";
        IConfigurationRoot root = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        ConfigLoadResult config = CmaConfigurationLoader.Validate(CmaConfigurationLoader.ReadSection(root.GetSection("Cma"), AppContext.BaseDirectory), [.. catalog.Providers.Select(p => p.Name)]);
        Assert.True(config.IsValid, string.Join(Environment.NewLine, config.Problems));
        ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var logs = new FakeLoggerProvider();
        (CmaService? service, IReadOnlyList<ConfigProblem> problems) = CmaRuntimeBuilder.Build(
            config.Options!, catalog, new LoggerFactory([logs]), services.GetRequiredService<IMeterFactory>());
        Assert.True(service is not null, string.Join(Environment.NewLine, problems));
        var host = new HotReloadHost(folder, catalog, service, services, logs.Collector);
        service.HotReloaded += host.OnHotReloaded;
        return host;
    }

    /// <summary>A region of the versioned plugin, as JSON.</summary>
    public static string Region(string name, string size = "1M") =>
        $$"""{ "Name": "{{name}}", "Size": "{{size}}", "Allocator": "versioned" }""";

    /// <summary>Writes the plugin's files with <paramref name="write"/> (which replaces them in place) and waits for the
    /// hot reload it causes: at most 30 s (a reload takes about ReloadDelay, 200 ms).</summary>
    public async Task<CmaHotReload> ReplaceAndWait(Action write)
    {
        var next = new TaskCompletionSource<CmaHotReload>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiting)
            _waiting.Enqueue(next);
        write();
        return await next.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Copies build <paramref name="build"/>'s files over the plugin's, in place.</summary>
    public void CopyBuild(string build)
    {
        foreach (string file in Directory.EnumerateFiles(BuildFolder(build)))
            File.Copy(file, Path.Combine(Folder, PluginName, Path.GetFileName(file)), overwrite: true);
    }

    /// <summary>The build ("A" or "B") of the allocator instance serving region <paramref name="region"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public string BuildOf(string region)
    {
        Region r = Service.FindRegion(region)!;
        lock (r.Sync)
            return (string)r.Allocator!.GetType().GetProperty("Build")!.GetValue(r.Allocator)!;
    }

    /// <summary>A weak reference to the load context of the allocator instance serving <paramref name="region"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public WeakReference ContextOf(string region)
    {
        Region r = Service.FindRegion(region)!;
        lock (r.Sync)
        {
            AssemblyLoadContext context = AssemblyLoadContext.GetLoadContext(r.Allocator!.GetType().Assembly)!;
            Assert.True(context.IsCollectible, $"{context} is not collectible");
            return new WeakReference(context);
        }
    }

    /// <summary>Collects until <paramref name="context"/> is gone (at most 20 rounds); whether it is gone.</summary>
    public static bool Collected(WeakReference context)
    {
        for (int i = 0; i < 20 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return !context.IsAlive;
    }

    private void OnHotReloaded(CmaHotReload reload)
    {
        TaskCompletionSource<CmaHotReload>? next = null;
        lock (_waiting)
            _waiting.TryDequeue(out next);
        next?.TrySetResult(reload);
    }

    public void Dispose()
    {
        Service.Dispose();
        Catalog.Dispose();
        _services.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temporary folder
        }
    }
}
