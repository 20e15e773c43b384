using Cma.Host.Tests.Api;
using Microsoft.Extensions.Configuration;
using static Cma.Host.Tests.Reload.ReloadConfig;

namespace Cma.Host.Tests.Reload;

/// <summary>The map switch is atomic: threads allocate through the map while it flips between two configurations, and
/// every chunk lands where one whole map — the old or the new — routes its device.</summary>
public sealed class AtomicMapSwitchTests
{
    private static readonly string Regions = $"[ {Region("a", "0x40000000")}, {Region("b", "0x40100000")}, {Region("c", "0x40200000")} ]";

    /// <summary>Map one: cam to a then b, gpu to c. Map two: cam to c, gpu to b then a.</summary>
    private const string One = """["cam=a,b", "gpu=c"]""";
    private const string Two = """["cam=c", "gpu=b,a"]""";

    [Fact]
    public async Task Requests_in_flight_see_the_old_or_the_new_map_never_a_mix()
    {
        using TestHost host = TestHost.Start(Regions, One);
        IConfigurationSection one = Section(Regions, One), two = Section(Regions, Two);
        // Per device, the region sets each whole map allows.
        var allowed = new Dictionary<string, HashSet<string>[]>
        {
            ["cam"] = [["a", "b"], ["c"]],
            ["gpu"] = [["c"], ["b", "a"]],
        };
        using var stop = new CancellationTokenSource();
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        Task[] workers = [.. new[] { "cam", "gpu", "cam", "gpu" }.Select(device => Task.Run(() =>
        {
            long count = 0;
            while (!stop.IsCancellationRequested || count == 0)
            {
                CmaOutcome outcome = host.Service.TryAllocate(device, null, 4096, 0, out CmaChunk chunk);
                Assert.Equal(CmaOutcome.Ok, outcome);
                Assert.Contains(allowed[device], set => set.Contains(chunk.Region));
                Assert.True(host.Service.TryGetInfo(device, null, out CmaInfo? info) == CmaOutcome.Ok);
                Assert.Contains(allowed[device], set => set.SetEquals(info!.Regions));   // one rule of one whole map
                seen.Add(device + ":" + chunk.Region);
                host.Service.Free(chunk.Address);
                count++;
            }
        }))];

        for (int i = 0; i < 200; i++)
            Assert.Equal(CmaReloadResult.Applied, host.Service.Apply(i % 2 == 0 ? two : one).Result);
        stop.Cancel();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEmpty(seen);
        Assert.Equal(0, host.Service.GetRegions().Sum(r => r.Chunks));
    }
}
