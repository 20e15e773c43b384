using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cma.Host.Tests.Api;

/// <summary>Embedding with the Generic Host: the configuration is validated when the host starts, not at the first
/// request.</summary>
public class GenericHostTests
{
    [Fact]
    public async Task An_invalid_configuration_stops_the_host_at_start_with_every_problem()
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cma:Regions:0:Name"] = "a",
            ["Cma:Regions:0:Size"] = "12Q",
            ["Cma:Regions:0:Allocator"] = "no-such-allocator",
        });
        builder.Services.AddCma(builder.Configuration.GetSection("Cma"));
        using IHost host = builder.Build();

        CmaConfigurationException error = await Assert.ThrowsAsync<CmaConfigurationException>(() => host.StartAsync());

        Assert.Contains(error.Problems, p => p.Contains("Size", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("no-such-allocator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_valid_configuration_starts_the_host_and_serves_allocations()
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cma:Regions:0:Name"] = "a",
            ["Cma:Regions:0:Size"] = "1M",
            ["Cma:Regions:0:Allocator"] = "best-fit",
        });
        builder.Services.AddCma(builder.Configuration.GetSection("Cma"));
        using IHost host = builder.Build();

        await host.StartAsync();
        CmaChunk chunk = host.Services.GetRequiredService<ICmaService>().Allocate("dev", null, 4096);
        await host.StopAsync();

        Assert.Equal("a", chunk.Region);
        Assert.Equal(4096UL, chunk.Size);
    }
}
