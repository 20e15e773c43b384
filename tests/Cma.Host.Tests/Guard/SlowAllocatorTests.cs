using System.Collections.Concurrent;
using Cma.Host.Tests.Api;
using Cma.Runtime.Regions;

namespace Cma.Host.Tests.Guard;

/// <summary>
/// A slow plugin cannot be pre-empted in-process; the promise is that it delays only its own region's callers: other
/// regions proceed while it runs. The slow call here is held by a
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
