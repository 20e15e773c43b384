using System.Collections.Concurrent;
using Cma.Host.Tests.Api;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cma.Host.Tests.Guard;

/// <summary>
/// A slow plugin cannot be pre-empted in-process; the promise is that it delays only its own region's callers. Other
/// regions, and every read of state (info, snapshots, metrics), proceed while it runs. The slow call here is held by a
/// gate its hook waits on, so no test depends on how long anything takes; the timeouts only turn a deadlock into a
/// failure.
/// </summary>
public sealed class SlowAllocatorTests
{
    private const ulong K4 = 4096;

    /// <summary>How long a test waits for something that must happen before it calls it a deadlock.</summary>
    private static readonly TimeSpan DeadlockTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_slow_plugin_delays_only_its_own_regions_callers_while_other_regions_proceed()
    {
        using var slow = new HeldCall();
        using TestHost host = TestHost.Start($"[ {TestHost.FaultyRegion("s", "slow", delayMs: 0, hook: slow.Hook.Name)}, {TestHost.Region("g")} ]");
        var first = Task.Run(() => host.Service.TryAllocateFrom("s", K4, 0, out _));
        slow.WaitInside();
        Task<CmaOutcome> second;
        try
        {
            second = Task.Run(() => host.Service.TryAllocateFrom("s", K4, 0, out _));
            var otherRegion = Task.Run(() =>
            {
                for (int i = 0; i < 200; i++)
                {
                    Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("g", K4 * (ulong)(1 + (i % 8)), 0, out CmaChunk chunk));
                    host.Service.Free(chunk.Address);
                }
            });

            Assert.True(await Completes(otherRegion), "requests to another region waited for the slow plugin call");
            Assert.False(first.IsCompleted);
        }
        finally
        {
            slow.Release();
        }
        CmaOutcome[] outcomes = await Task.WhenAll(first, second).WaitAsync(DeadlockTimeout);

        Assert.Equal([CmaOutcome.Ok, CmaOutcome.Ok], outcomes);
        Assert.Equal(["enter 1", "leave 1", "enter 2", "leave 2"], slow.Events);
        Assert.Equal(RegionState.Active, host.Service.GetRegion("s").State);
    }

    [Fact]
    public async Task Info_snapshots_and_metrics_are_read_while_a_plugin_call_holds_its_region()
    {
        using var slow = new HeldCall();
        using TestHost host = TestHost.Start(
            $"[ {TestHost.FaultyRegion("s", "slow", afterOps: 1, delayMs: 0, hook: slow.Hook.Name)}, {TestHost.Region("g")} ]", """[ "*=s,g" ]""");
        using var freeBytes = new MetricCollector<long>(host.Meters, CmaMetrics.MeterName, "cma.region.free_bytes");
        CmaChunk before = host.Service.Allocate("cam", null, 2 * K4);
        var held = Task.Run(() => host.Service.TryAllocateFrom("s", K4, 0, out _));
        slow.WaitInside();
        try
        {
            var monitoring = Task.Run(() =>
            {
                freeBytes.RecordObservableInstruments();
                return (All: host.Service.GetRegions(), S: host.Service.GetRegion("s"), Info: host.Service.TryGetInfo("cam", null, out CmaInfo? info) == CmaOutcome.Ok ? info : null);
            });

            Assert.True(await Completes(monitoring), "info waited for the plugin call in progress");
            Assert.False(held.IsCompleted);
            (IReadOnlyList<CmaRegionSnapshot> all, CmaRegionSnapshot s, CmaInfo? info) = await monitoring;
            ulong freeInS = (1UL << 20) - before.Size;
            Assert.Equal((RegionState.Active, 1L, freeInS), (s.State, s.Chunks, s.FreeBytes));
            Assert.Equal(["s", "g"], all.Select(r => r.Name));
            Assert.Equal(freeInS + (1UL << 20), info!.FreeSize);
            Assert.Equal((long)freeInS, freeBytes.GetMeasurementSnapshot().Single(m => (string?)m.Tags["region"] == "s").Value);
        }
        finally
        {
            slow.Release();
        }
        Assert.True(await Completes(held), "the held call never finished");
        Assert.Equal((CmaOutcome.Ok, 2L), (await held, host.Service.GetRegion("s").Chunks));
    }

    /// <summary>Whether <paramref name="task"/> completes before <see cref="DeadlockTimeout"/>.</summary>
    private static async Task<bool> Completes(Task task) => await Task.WhenAny(task, Task.Delay(DeadlockTimeout)) == task;

    /// <summary>A hook that holds the first call made through it until <see cref="Release"/>, and records the order in
    /// which calls enter and leave it.</summary>
    private sealed class HeldCall : IDisposable
    {
        private readonly ManualResetEventSlim _inside = new();
        private readonly ManualResetEventSlim _gate = new();
        private readonly ConcurrentQueue<string> _events = new();
        private int _calls;

        public HeldCall() => Hook = new PluginHook(_ =>
        {
            int call = Interlocked.Increment(ref _calls);
            _events.Enqueue($"enter {call}");
            if (call == 1)
            {
                _inside.Set();
                Assert.True(_gate.Wait(DeadlockTimeout), "the held call was never released");
            }
            _events.Enqueue($"leave {call}");
        });

        public PluginHook Hook { get; }

        public IEnumerable<string> Events => _events;

        /// <summary>Waits until the first call is inside the plugin (and so holds its region's lock).</summary>
        public void WaitInside() => Assert.True(_inside.Wait(DeadlockTimeout), "the slow plugin was never entered");

        public void Release() => _gate.Set();

        public void Dispose()
        {
            _gate.Set();
            Hook.Dispose();
            _inside.Dispose();
            _gate.Dispose();
        }
    }
}
