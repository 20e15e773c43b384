using System.Text.Json;
using Cma.Host.Tests.Configuration;
using Cma.Runtime.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cma.Host.Tests.Plugins;

/// <summary>
/// The hostile test plugin (tests/TestPlugins/Cma.TestPlugins.Hostile), a real DLL: one provider's constructor takes the
/// <see cref="IServiceProvider"/> it is given and resolves <see cref="ICmaService"/> from it (handed an application's root
/// provider, that starts the service that is loading the plugins: an endless recursion at start-up); another's type
/// initializer throws. Plugins get only what the contract promises (ILogger&lt;T&gt;, ILoggerFactory): both are refused
/// with a reason a plugin author can act on, and the host starts.
/// </summary>
public class HostilePluginTests
{
    [Fact]
    public void An_embedding_app_starts_and_refuses_a_provider_whose_constructor_asks_for_the_service_provider()
    {
        using var dir = new TempConfigFolder();
        string dll = TestAssemblies.CopyPlugin(TestAssemblies.HostilePluginPath, dir.Path);
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cma:Plugins:Directories:0"] = dir.Path,
            ["Cma:Regions:0:Name"] = "a",
            ["Cma:Regions:0:Size"] = "1M",
        }).Build();
        using ServiceProvider services = new ServiceCollection().AddLogging().AddCma(config.GetSection("Cma")).BuildServiceProvider();

        ICmaService cma = services.GetRequiredService<ICmaService>();

        Assert.Equal("a", Assert.Single(cma.GetRegions()).Name);
        PluginCatalog catalog = services.GetRequiredService<PluginCatalog>();
        Assert.Null(catalog.Find("hostile-service-locator"));
        string reason = Reason(catalog, dll, "Cma.TestPlugins.Hostile.ServiceLocatorProvider");
        Assert.Contains("constructor asks for System.IServiceProvider, which the host does not give plugins", reason, StringComparison.Ordinal);
        Assert.Contains("ILogger<T> and ILoggerFactory", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cma_plugins_refuses_the_hostile_providers_by_file_and_reason_and_lists_the_others()
    {
        using var dir = new TempConfigFolder();
        string dll = TestAssemblies.CopyPlugin(TestAssemblies.HostilePluginPath, dir.Path);
        string config = dir.Write("""{ "Cma": { "Regions": [ { "Name": "a", "Size": "1M" } ] } }""");

        (int exit, string output, string error) = Cli.CliRun.Run("plugins", "--json", "--config", config, "--plugin", dir.Path);

        Assert.True(exit == 1, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        string[] names = [.. doc.RootElement.GetProperty("providers").EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];
        Assert.DoesNotContain(names, n => n is "hostile-service-locator" or "hostile-static-constructor");
        Assert.Contains("hostile-reserve", names); // a working allocator whose reserve lies only when told to
        Assert.Contains("best-fit", names);
        string[] reasons = [.. doc.RootElement.GetProperty("failures").EnumerateArray()
            .Where(f => f.GetProperty("file").GetString() == dll).Select(f => f.GetProperty("reason").GetString()!)];
        Assert.Equal(2, reasons.Length);
        Assert.Contains(reasons, r => r.Contains("ServiceLocatorProvider's constructor asks for System.IServiceProvider", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("ThrowingStaticConstructorProvider", StringComparison.Ordinal));
    }

    [Fact]
    public void A_provider_whose_static_constructor_throws_is_refused_with_the_inner_exceptions_message()
    {
        using var dir = new TempConfigFolder();
        string dll = TestAssemblies.CopyPlugin(TestAssemblies.HostilePluginPath, dir.Path);

        using PluginCatalog catalog = PluginCatalog.Load([dir.Path]);

        string reason = Reason(catalog, dll, "Cma.TestPlugins.Hostile.ThrowingStaticConstructorProvider");
        Assert.Contains("its static constructor threw InvalidOperationException: hostile-static-constructor: the license file /etc/acme/license is missing.", reason, StringComparison.Ordinal);
    }

    /// <summary>The reason <paramref name="file"/>'s provider <paramref name="type"/> was refused.</summary>
    private static string Reason(PluginCatalog catalog, string file, string type)
    {
        PluginLoadFailure? failure = catalog.Failures.FirstOrDefault(f => f.FilePath == file && f.Reason.Contains(type, StringComparison.Ordinal));
        Assert.True(failure is not null, $"no failure for {type} in {file}; failures: {string.Join("; ", catalog.Failures)}");
        return failure.Reason;
    }
}
