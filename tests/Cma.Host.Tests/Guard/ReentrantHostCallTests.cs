using Cma.Host.Tests.Api;
using Cma.Runtime.Regions;

namespace Cma.Host.Tests.Guard;

/// <summary>
/// A plugin that calls back into the host from inside one of its calls — any entry point, on its own region or another,
/// with good arguments or bad — is refused with an <see cref="InvalidOperationException"/> (which it may swallow) and its
/// region is fenced; the call it made has no effect, and the request in flight falls back to the next region. A
/// <see cref="CmaService.Dispose"/> asked for from inside a plugin call tears nothing down under it.
/// </summary>
public sealed class ReentrantHostCallTests
{
    private const ulong K4 = 4096;

    /// <summary>What the plugin calls, by name; each gets the host and a live chunk in <c>f</c> and in <c>h</c>.</summary>
    private static readonly Dictionary<string, Action<CmaService, CmaChunk, CmaChunk>> s_calls = new()
    {
        ["allocate here"] = (host, _, _) => host.TryAllocate("cam", null, K4, 0, out _),
        ["allocate elsewhere"] = (host, _, _) => host.TryAllocateFrom("h", K4, 0, out _),
        ["allocate with a null device"] = (host, _, _) => host.TryAllocate(null!, null, K4, 0, out _),
        ["allocate from no regions"] = (host, _, _) => host.TryAllocateFrom(null!, K4, 0, out _),
        ["allocate a buffer"] = (host, _, _) => host.AllocateBuffer("cam", null, K4).Dispose(),
        ["free here"] = (host, inF, _) => host.TryFree(inF.Address),
        ["free elsewhere"] = (host, _, inH) => host.Free(inH.Address),
        ["free outside every region"] = (host, _, _) => host.TryFree(1),
        ["get regions"] = (host, _, _) => host.GetRegions(),
        ["get region"] = (host, _, _) => host.GetRegion("h"),
        ["get info"] = (host, _, _) => host.TryGetInfo("cam", null, out _),
        ["get info with a null device"] = (host, _, _) => host.TryGetInfo(null!, null, out _),
        ["reopen"] = (host, _, _) => host.TryReopen("h", out _),
        ["reopen with a null name"] = (host, _, _) => host.TryReopen(null!, out _),
        ["dispose"] = (host, _, _) => host.Dispose(),
    };

    public static TheoryData<string> Calls => [.. s_calls.Keys];

    [Theory]
    [MemberData(nameof(Calls))]
    public void A_call_into_the_host_from_inside_TryAllocate_is_refused_and_fences_the_region(string call)
    {
        using var hook = new PluginHook();
        using TestHost host = Start("reenter", hook);
        (CmaChunk inF, CmaChunk inH) = ArrangeLiveChunks(host);
        string hBefore = Describe(host.Service.GetRegion("h"));
        var seen = new List<Exception?>();
        hook.Set(_ => seen.Add(Record.Exception(() => s_calls[call](host.Service, inF, inH))));

        CmaOutcome outcome = host.Service.TryAllocate("cam", null, K4, 0, out CmaChunk chunk);

        Assert.Equal((CmaOutcome.Ok, "g"), (outcome, chunk.Region));
        Exception refused = Assert.IsType<InvalidOperationException>(Assert.Single(seen));
        Assert.Contains("region 'f' called back into the Cma host", refused.Message);
        CmaRegionSnapshot f = host.Service.GetRegion("f");
        Assert.Equal((RegionState.Fenced, 1L, 1L), (f.State, f.Chunks, f.Faults));
        Assert.Contains("called back into the Cma host from inside TryAllocate", f.FenceReason);
        Assert.Equal(hBefore, Describe(host.Service.GetRegion("h")));
        Assert.Equal(CmaOutcome.Ok, host.Service.TryFree(inH.Address));
    }

    [Fact]
    public void A_dispose_from_inside_TryAllocate_leaves_the_host_and_its_memory_alive_and_the_request_is_served_elsewhere()
    {
        using var hook = new PluginHook();
        using TestHost host = TestHost.Start(
            $$"""[ { "Name": "f", "Size": "1M", "Backing": "Native", "Allocator": "faulty", "Settings": { "Fault": "reenter", "AfterOps": 1, "Hook": "{{hook.Name}}" } }, {{TestHost.Region("g")}} ]""",
            """[ "*=f,g" ]""");
        using CmaBuffer earlier = host.Service.AllocateBuffer("cam", null, K4);
        hook.Set(_ => host.Service.Dispose());

        CmaOutcome outcome = host.Service.TryAllocate("cam", null, K4, 0, out CmaChunk chunk);

        Assert.Equal((CmaOutcome.Ok, "g"), (outcome, chunk.Region));
        Assert.False(host.RegionNamed("f").Memory!.IsDisposed);
        earlier.Span.Fill(0xA5);
        Assert.Equal(0xA5, earlier.Span[^1]);
        Assert.Equal(RegionState.Fenced, host.Service.GetRegion("f").State);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryFree(chunk.Address));
    }

    [Fact]
    public void A_buffer_disposed_from_inside_a_plugin_call_is_refused_and_stays_live_to_be_freed_later()
    {
        using var hook = new PluginHook();
        using TestHost host = Start("reenter", hook);
        host.Service.Allocate("cam", null, K4);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateBufferFrom("h", K4, 0, out CmaBuffer? inH));
        Exception? seen = null;
        hook.Set(_ => seen = Record.Exception(inH!.Dispose));

        CmaChunk chunk = host.Service.Allocate("cam", null, K4);

        Assert.Equal("g", chunk.Region);
        Assert.IsType<InvalidOperationException>(seen);
        Assert.False(inH!.IsDisposed);
        Assert.Equal(1L, host.Service.GetRegion("h").Chunks);
        inH.Dispose();
        Assert.Equal(0L, host.Service.GetRegion("h").Chunks);
    }

    [Fact]
    public void A_dispose_from_inside_Free_is_refused_the_chunk_is_still_freed_and_the_region_fenced()
    {
        using var hook = new PluginHook();
        using TestHost host = Start("reenter-free", hook);
        CmaChunk inF = host.Service.Allocate("cam", null, K4);
        Exception? seen = null;
        hook.Set(_ => seen = Record.Exception(host.Service.Dispose));

        CmaOutcome freed = host.Service.TryFree(inF.Address);

        Assert.Equal(CmaOutcome.Ok, freed);
        Assert.IsType<InvalidOperationException>(seen);
        CmaRegionSnapshot f = host.Service.GetRegion("f");
        Assert.Equal((RegionState.Fenced, 0L), (f.State, f.Chunks));
        Assert.Contains("called back into the Cma host from inside Free", f.FenceReason);
        Assert.Equal("g", host.Service.Allocate("cam", null, K4).Region);
    }

    [Fact]
    public void A_plugin_whose_Stats_calls_a_host_while_its_region_is_created_is_fenced_at_start()
    {
        // Its own host does not exist yet; any host is as bad (the thread holds this region's lock).
        using TestHost other = TestHost.Start($"[ {TestHost.Region("o")} ]");
        using var hook = new PluginHook(_ => other.Service.GetRegions());
        using TestHost host = Start("reenter-stats", hook);

        Assert.Equal(RegionState.Fenced, host.Service.GetRegion("f").State);
        Assert.Contains("called back into the Cma host", host.Service.GetRegion("f").FenceReason);
        Assert.Equal("g", host.Service.Allocate("cam", null, K4).Region);
    }

    [Fact]
    public void A_plugin_whose_Dispose_calls_the_host_is_refused()
    {
        using var hook = new PluginHook();
        TestHost host = Start("reenter-dispose", hook);
        Exception? seen = null;
        hook.Set(_ => seen = Record.Exception(() => host.Service.GetRegions()));

        host.Dispose();

        Assert.IsType<InvalidOperationException>(seen);
    }

    [Fact]
    public async Task An_allocation_that_reaches_a_region_after_another_thread_disposed_it_is_not_served_from_the_disposed_host()
    {
        // f is full and slow: while this thread is inside f's plugin (past the service's disposed check), another thread
        // disposes the host, closing h (first in configuration order) and then waiting for f's lock. f answers "no space",
        // so the request falls back to h, whose allocator is already disposed.
        using var hDisposed = new ManualResetEventSlim();
        using var inH = new PluginHook(_ => hDisposed.Set());
        using var inF = new PluginHook();
        using TestHost host = TestHost.Start(
            $"[ {TestHost.FaultyRegion("h", "reenter-dispose", hook: inH.Name)}, {TestHost.FaultyRegion("f", "slow", afterOps: 1, size: "64K", delayMs: 0, hook: inF.Name)} ]");
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("f", 64 * 1024, 0, out _));
        Task? disposing = null;
        inF.Set(_ =>
        {
            disposing = Task.Run(host.Service.Dispose);
            Assert.True(hDisposed.Wait(TimeSpan.FromSeconds(30)), "the host never disposed region h");
        });

        Exception? thrown = Record.Exception(() => host.Service.TryAllocateFrom("f,h", K4, 0, out _));

        Assert.True(await Task.WhenAny(disposing!, Task.Delay(TimeSpan.FromSeconds(30))) == disposing, "Dispose never finished");
        Assert.IsType<ObjectDisposedException>(thrown);
    }

    private static TestHost Start(string fault, PluginHook hook, int afterOps = 1) => TestHost.Start(
        $"[ {TestHost.FaultyRegion("f", fault, afterOps, hook: hook.Name)}, {TestHost.Region("g")}, {TestHost.FaultyRegion("h", "none")} ]",
        """[ "*=f,g" ]""");

    /// <summary>One chunk in f (its one correct operation before the fault) and one in h.</summary>
    private static (CmaChunk InF, CmaChunk InH) ArrangeLiveChunks(TestHost host)
    {
        CmaChunk inF = host.Service.Allocate("cam", null, K4);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("h", 2 * K4, 0, out CmaChunk inH));
        Assert.Equal(("f", "h"), (inF.Region, inH.Region));
        return (inF, inH);
    }

    private static string Describe(CmaRegionSnapshot r) => $"{r.State} {r.Faults} chunks={r.Chunks} free={r.FreeBytes} largest={r.LargestFreeBlock}";
}
