using Cma.Host.Tests.Api;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Cma.Host.Tests.Reload.ReloadConfig;

namespace Cma.Host.Tests.Reload;

/// <summary><see cref="ICmaService.Apply"/> in an application that builds its configuration itself (<c>AddCma</c>).</summary>
public sealed class EmbeddedApplyTests
{
    private static readonly string A = Region("a", "0x40000000");

    private static IConfigurationRoot Root(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void A_root_with_a_Cma_section_is_applied_and_a_change_to_Plugins_is_refused()
    {
        IConfigurationRoot start = Root(("Cma:Regions:0:Name", "a"), ("Cma:Regions:0:Size", "1M"));
        using ServiceProvider services = new ServiceCollection().AddCma(start.GetSection("Cma")).BuildServiceProvider();
        ICmaService cma = services.GetRequiredService<ICmaService>();
        Assert.Null(cma.LastReload);

        CmaReloadOutcome added = cma.Apply(Root(("Cma:Regions:0:Name", "a"), ("Cma:Regions:0:Size", "1M"), ("Cma:Regions:1:Name", "b"), ("Cma:Regions:1:Size", "1M")));
        Assert.Equal(CmaReloadResult.Applied, added.Result);
        Assert.Equal(["a", "b"], cma.GetRegions().Select(r => r.Name));

        CmaReloadOutcome plugins = cma.Apply(Root(("Cma:Regions:0:Name", "a"), ("Cma:Regions:0:Size", "1M"), ("Cma:Plugins:Directories:0", Path.GetTempPath())));
        Assert.Equal(CmaReloadResult.Refused, plugins.Result);
        Assert.Contains(plugins.Problems, p => p.StartsWith("Cma:Plugins:", StringComparison.Ordinal) && p.Contains("restart", StringComparison.Ordinal));
        Assert.Equal(["a", "b"], cma.GetRegions().Select(r => r.Name));
        Assert.Same(plugins, cma.LastReload);
    }

    [Fact]
    public void A_change_to_Plugins_HotReload_is_refused_too()
    {
        IConfigurationRoot start = Root(("Cma:Regions:0:Name", "a"), ("Cma:Regions:0:Size", "1M"));
        using ServiceProvider services = new ServiceCollection().AddCma(start.GetSection("Cma")).BuildServiceProvider();
        ICmaService cma = services.GetRequiredService<ICmaService>();

        CmaReloadOutcome outcome = cma.Apply(Root(("Cma:Regions:0:Name", "a"), ("Cma:Regions:0:Size", "1M"), ("Cma:Plugins:HotReload", "true")));

        Assert.Equal(CmaReloadResult.Refused, outcome.Result);
        Assert.Contains(outcome.Problems, p => p.StartsWith("Cma:Plugins:", StringComparison.Ordinal) && p.Contains("HotReload", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reload_puts_back_the_configured_allocator_of_a_region_swapped_by_hand()
    {
        using TestHost host = TestHost.Start($"[ {A} ]");
        Assert.True(host.Service.TrySwapAllocator("a", "tlsf", null, out string? reason), reason);

        CmaReloadOutcome outcome = host.Service.Apply(Section($"[ {A} ]", """["cam=a"]"""));

        Assert.Equal(CmaReloadResult.Applied, outcome.Result);
        Assert.Equal("best-fit", host.Service.GetRegion("a").Allocator);
    }

    [Fact]
    public void A_disposed_service_refuses_to_reload()
    {
        TestHost host = TestHost.Start($"[ {A} ]");
        host.Dispose();

        Assert.Throws<ObjectDisposedException>(() => host.Service.Apply(Section($"[ {A} ]")));
    }
}
