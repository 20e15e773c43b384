using System.Collections.Concurrent;
using System.Diagnostics;
using Cma.Runtime.Regions;
using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Guard;

/// <summary>A slow plugin cannot be pre-empted in-process; the promise is that it delays only its own region's callers.</summary>
public class SlowAllocatorTests
{
    private const int DelayMs = 600;

    [Fact]
    public async Task A_slow_plugin_delays_only_its_own_regions_callers_while_other_regions_proceed()
    {
        using TestHost host = TestHost.Start($"[ {TestHost.FaultyRegion("s", "slow", delayMs: DelayMs)}, {TestHost.Region("g")} ]");
        var entered = new BlockingCollection<long>();
        host.SetFaultyCallback(_ => entered.Add(Stopwatch.GetTimestamp()));
        var first = Task.Run(() => host.Service.TryAllocateFrom("s", 4096, 0, out _));
        Assert.True(entered.TryTake(out long firstEntered, TimeSpan.FromSeconds(10)), "the slow plugin was never entered");

        var second = Task.Run(() => host.Service.TryAllocateFrom("s", 4096, 0, out _));
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("g", 4096UL * (ulong)(1 + (i % 8)), 0, out CmaChunk chunk));
            host.Service.Free(chunk.Address);
        }
        TimeSpan otherRegion = clock.Elapsed;
        bool firstStillInside = !first.IsCompleted;
        Assert.True(entered.TryTake(out long secondEntered, TimeSpan.FromSeconds(10)), "the second caller never reached the plugin");
        CmaOutcome[] outcomes = await Task.WhenAll(first, second);

        Assert.True(firstStillInside, $"200 requests to another region took {otherRegion.TotalMilliseconds:F0} ms, longer than one slow call");
        Assert.True(Stopwatch.GetElapsedTime(firstEntered, secondEntered).TotalMilliseconds >= DelayMs * 0.95,
            "the second caller of the slow region entered its plugin before the first one left");
        Assert.Equal([CmaOutcome.Ok, CmaOutcome.Ok], outcomes);
        Assert.Equal(RegionState.Active, host.Service.GetRegion("s").State);
    }
}
