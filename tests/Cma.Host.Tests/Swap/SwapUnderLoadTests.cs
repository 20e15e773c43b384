using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Swap;

/// <summary>Swaps under load: 4 threads allocate and free while the region swaps allocators back and forth 100 times.
/// No overlap, exact accounting, and every call returns a defined outcome.</summary>
public sealed class SwapUnderLoadTests
{
    [Fact]
    public async Task Four_threads_allocate_and_free_while_the_region_swaps_100_times()
    {
        using TestHost host = TestHost.Start("[ " + TestHost.Region("r", "best-fit", "16M") + " ]");
        var owned = new System.Collections.Concurrent.ConcurrentDictionary<ulong, ulong>();
        using var stop = new CancellationTokenSource();
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<CmaOutcome>();
        Task[] workers = [.. Enumerable.Range(0, 4).Select(seed => Task.Run(() => Work(host, seed, owned, outcomes, stop.Token)))];
        string[] allocators = ["tlsf", "bitmap", "best-fit"];
        for (int i = 0; i < 100; i++)
        {
            Assert.True(host.Service.TrySwapAllocator("r", allocators[i % allocators.Length], null, out string? reason), reason);
        }
        stop.Cancel();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));   // a TimeoutException fails the test
        Assert.All(outcomes, o => Assert.True(o is CmaOutcome.Ok or CmaOutcome.NoSpace, $"undefined outcome {o}"));
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal(owned.Count, s.Chunks);
        Assert.Equal(0, s.Faults);
        foreach (ulong address in owned.Keys)
            host.Service.Free(address);
        Assert.Equal(16UL << 20, host.Service.GetRegion("r").FreeBytes);
    }

    /// <summary>Allocates and frees at random, checking every new chunk against every live one (owned by any thread).</summary>
    private static void Work(TestHost host, int seed, System.Collections.Concurrent.ConcurrentDictionary<ulong, ulong> owned,
        System.Collections.Concurrent.ConcurrentBag<CmaOutcome> outcomes, CancellationToken stop)
    {
        var random = new Random(seed);
        var mine = new List<ulong>();
        while (!stop.IsCancellationRequested)
        {
            if (mine.Count > 0 && random.Next(3) == 0)
            {
                int i = random.Next(mine.Count);
                owned.TryRemove(mine[i], out _);
                Assert.Equal(CmaOutcome.Ok, host.Service.TryFree(mine[i]));
                mine.RemoveAt(i);
                continue;
            }
            ulong size = 4096UL * (ulong)random.Next(1, 16);
            CmaOutcome outcome = host.Service.TryAllocateFrom("r", size, 0, out CmaChunk c);
            outcomes.Add(outcome);
            if (outcome != CmaOutcome.Ok)
                continue;
            Assert.True(owned.TryAdd(c.Address, c.Size), $"0x{c.Address:X} handed out twice");
            foreach ((ulong a, ulong n) in owned)
                Assert.True(a == c.Address || a + n <= c.Address || c.Address + c.Size <= a, $"0x{c.Address:X}+{c.Size} overlaps 0x{a:X}+{n}");
            mine.Add(c.Address);
        }
    }
}
