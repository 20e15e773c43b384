using System.Text;
using Cma.Runtime.Configuration;
using Cma.Runtime.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cma.Host.Tests.Memory;

/// <summary>Disposing the host releases every mapping and unlinks every Shared file: nothing leaks across cycles.</summary>
[Collection("Real memory processes")]
public class MemoryReleaseTests
{
    [Fact]
    public void A_thousand_create_dispose_cycles_leave_no_mapping_and_no_shared_file()
    {
        string shared = BackedRegions.UniqueSharedName();
        using PluginCatalog catalog = PluginCatalog.Load([PluginCatalog.FirstPartyDirectory]);
        CmaOptions options = Options($$"""
            [ { "Name": "n", "Size": "4M", "Backing": "Native", "ZeroOnAllocate": true },
              { "Name": "s", "Size": "1M", "Backing": "Shared", "BackingPath": "{{shared}}", "PoisonOnFree": true } ]
            """, catalog);
        long workingSetBefore = Environment.WorkingSet;

        for (int cycle = 0; cycle < 1000; cycle++)
        {
            CmaService service = CmaRuntimeBuilder.Build(options, catalog, NullLoggerFactory.Instance).Service!;
            using (service)
            {
                using CmaBuffer native = Allocate(service, "n", 1 << 20);   // 1 MiB zeroed: touched, so a leak would show
                using CmaBuffer file = Allocate(service, "s", 64 << 10);
                file.Span.Fill((byte)cycle);
            }
        }

        Assert.Equal(0, MappingsOf(shared));
        Assert.False(File.Exists("/dev/shm/" + shared));
        long grownMiB = (Environment.WorkingSet - workingSetBefore) >> 20;
        Assert.True(grownMiB < 256, $"the working set grew by {grownMiB} MiB over 1,000 cycles that each touched 1 MiB");
    }

    [Fact]
    public void Disposing_the_service_provider_releases_the_memory_of_an_embedded_runtime()
    {
        string shared = BackedRegions.UniqueSharedName();
        IConfiguration configuration = Json($$"""
            { "Cma": { "Regions": [ { "Name": "s", "Size": "2M", "Backing": "Shared", "BackingPath": "{{shared}}" } ] } }
            """);
        ServiceProvider provider = new ServiceCollection().AddCma(configuration.GetSection("Cma")).BuildServiceProvider();
        ICmaService cma = provider.GetRequiredService<ICmaService>();
        CmaBuffer buffer = cma.AllocateBuffer("app", null, 4096);
        bool existedWhileLive = File.Exists("/dev/shm/" + shared);
        int mappedWhileLive = MappingsOf(shared);

        provider.Dispose();

        Assert.True(existedWhileLive);
        Assert.Equal(1, mappedWhileLive);
        Assert.False(File.Exists("/dev/shm/" + shared));
        Assert.Equal(0, MappingsOf(shared));
        Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);
    }

    /// <summary>Lines of /proc/self/maps that map a file whose name contains <paramref name="name"/>.</summary>
    private static int MappingsOf(string name)
    {
        int count = 0;
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            if (line.Contains(name, StringComparison.Ordinal))
                count++;
        }
        return count;
    }

    private static CmaBuffer Allocate(CmaService service, string region, ulong size)
    {
        Assert.Equal(CmaOutcome.Ok, service.TryAllocateBufferFrom(region, size, 0, out CmaBuffer? buffer));
        return buffer!;
    }

    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static CmaOptions Options(string regions, PluginCatalog catalog)
    {
        CmaConfigurationSource source = CmaConfigurationLoader.ReadSection(Json($$"""{ "Cma": { "Regions": {{regions}} } }""").GetSection("Cma"),
            AppContext.BaseDirectory);
        ConfigLoadResult result = CmaConfigurationLoader.Validate(source, [.. catalog.Providers.Select(p => p.Name)]);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        return result.Options!;
    }
}
