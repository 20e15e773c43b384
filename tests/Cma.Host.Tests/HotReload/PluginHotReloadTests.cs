using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace Cma.Host.Tests.HotReload;

/// <summary>
/// Plugin hot reload (<c>Plugins:HotReload</c>): a new build of a plugin copied over its files while the host runs replaces
/// the provider, every region on it swaps to a new instance with its chunks in place, and the old load context is
/// collected; a new build that is refused leaves the old one serving. Each test waits on the service's reload event (no
/// fixed sleeps) and takes about a second.
/// </summary>
public sealed class PluginHotReloadTests
{
    [Fact]
    public async Task A_new_build_replaces_the_plugin_in_every_region_keeps_the_chunks_and_the_old_context_is_collected()
    {
        using HotReloadHost host = HotReloadHost.Start("[ " + HotReloadHost.Region("r") + ", " + HotReloadHost.Region("s") + " ]");
        using var counter = new MetricCollector<long>(host.Meters, CmaMetrics.MeterName, "cma.plugin_hot_reloads");
        List<CmaChunk> live = Allocate(host, "r", 10);
        Assert.Equal("A", host.BuildOf("r"));
        WeakReference oldContext = host.ContextOf("r");
        var clock = Stopwatch.StartNew();

        CmaHotReload reload = await host.ReplaceAndWait(() => host.CopyBuild("b"));

        Assert.Equal("ok", reload.Outcome);
        Assert.Equal(["r", "s"], reload.Swapped.Order());
        Assert.Equal("B", host.BuildOf("r"));
        Assert.Equal("B", host.BuildOf("s"));
        Assert.Contains("build B", host.Catalog.Find("versioned")!.Description, StringComparison.Ordinal);
        CmaRegionSnapshot snapshot = host.Service.GetRegion("r");
        Assert.Equal(live.Count, snapshot.Chunks);
        Assert.Equal(RegionState.Active, snapshot.State);
        Assert.Equal((1UL << 20) - ((ulong)live.Count * 8192), snapshot.FreeBytes);
        AssertNewChunksAvoid(host, live);
        Assert.True(HotReloadHost.Collected(oldContext), "the old build's load context is still alive");
        Assert.Equal(host.Service.LastHotReload, reload);
        Assert.Contains(counter.GetMeasurementSnapshot(), m => m.Value == 1 && Equals(m.Tags["outcome"], "ok"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the reload took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_new_build_that_is_not_an_assembly_is_refused_the_old_one_keeps_serving_and_a_good_build_then_replaces_it()
    {
        using HotReloadHost host = HotReloadHost.Start("[ " + HotReloadHost.Region("r") + " ]");
        using var counter = new MetricCollector<long>(host.Meters, CmaMetrics.MeterName, "cma.plugin_hot_reloads");
        List<CmaChunk> live = Allocate(host, "r", 4);
        WeakReference oldContext = host.ContextOf("r");

        CmaHotReload broken = await host.ReplaceAndWait(() => File.WriteAllBytes(host.PluginDll, [0x4D, 0x5A, 1, 2, 3, 4, 5, 6, 7, 8]));

        Assert.Equal("failed", broken.Outcome);
        Assert.Empty(broken.Swapped);
        Assert.NotEmpty(broken.Failures);
        Assert.Equal("A", host.BuildOf("r"));
        Assert.Contains("build A", host.Catalog.Find("versioned")!.Description, StringComparison.Ordinal);
        live.AddRange(Allocate(host, "r", 2));   // the old instance keeps serving
        Assert.False(HotReloadHost.Collected(oldContext), "the old build's load context was collected while it still serves");
        Assert.Contains(counter.GetMeasurementSnapshot(), m => Equals(m.Tags["outcome"], "failed"));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Level == LogLevel.Error && r.Message.Contains("new build was refused", StringComparison.Ordinal));

        CmaHotReload fixedBuild = await host.ReplaceAndWait(() => host.CopyBuild("b"));

        Assert.Equal("ok", fixedBuild.Outcome);
        Assert.Equal("B", host.BuildOf("r"));
        Assert.Equal(live.Count, host.Service.GetRegion("r").Chunks);
        AssertNewChunksAvoid(host, live);
        Assert.True(HotReloadHost.Collected(oldContext), "the old build's load context is still alive");
    }

    [Fact]
    public async Task A_pinned_plugin_whose_new_build_does_not_match_the_pin_is_refused_and_the_old_one_keeps_serving()
    {
        using HotReloadHost host = HotReloadHost.Start("[ " + HotReloadHost.Region("r") + " ]", pinBuildA: true);
        Allocate(host, "r", 2);

        CmaHotReload reload = await host.ReplaceAndWait(() => host.CopyBuild("b"));

        Assert.Equal("failed", reload.Outcome);
        Assert.Contains(reload.Failures, f => f.Contains("SHA-256 mismatch", StringComparison.Ordinal));
        Assert.Equal("A", host.BuildOf("r"));
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 4096, 0, out _));
    }

    [Fact]
    public async Task A_region_the_new_build_cannot_take_keeps_the_old_one_which_stays_loaded_until_that_region_swaps()
    {
        string stuck = """{ "Name": "stuck", "Size": "1M", "Allocator": "versioned", "Settings": { "RefuseReserveInB": true } }""";
        using HotReloadHost host = HotReloadHost.Start("[ " + HotReloadHost.Region("r") + ", " + stuck + " ]");
        List<CmaChunk> held = Allocate(host, "stuck", 3);
        WeakReference oldContext = host.ContextOf("stuck");

        CmaHotReload reload = await host.ReplaceAndWait(() => host.CopyBuild("b"));

        Assert.Equal("partial", reload.Outcome);
        Assert.Equal(["r"], reload.Swapped);
        Assert.Contains(reload.Refused, r => r.StartsWith("stuck: ", StringComparison.Ordinal));
        Assert.Equal("B", host.BuildOf("r"));
        Assert.Equal("A", host.BuildOf("stuck"));
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("stuck", 4096, 0, out CmaChunk more));   // still serving
        Assert.False(HotReloadHost.Collected(oldContext), "the old build's load context was collected while a region runs it");

        foreach (CmaChunk chunk in held.Append(more))
            host.Service.Free(chunk.Address);
        Assert.True(host.Service.TrySwapAllocator("stuck", "versioned", null, out string? reason), reason);

        Assert.Equal("B", host.BuildOf("stuck"));
        Assert.True(HotReloadHost.Collected(oldContext), "the old build's load context is still alive after its last region swapped");
    }

    /// <summary>Allocates <paramref name="count"/> chunks of 8K from <paramref name="region"/>.</summary>
    private static List<CmaChunk> Allocate(HotReloadHost host, string region, int count)
    {
        var chunks = new List<CmaChunk>();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom(region, 8192, 0, out CmaChunk chunk));
            chunks.Add(chunk);
        }
        return chunks;
    }

    /// <summary>New chunks from region r never overlap the live ones (the new instance holds them at their addresses).</summary>
    private static void AssertNewChunksAvoid(HotReloadHost host, List<CmaChunk> live)
    {
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 8192, 0, out CmaChunk extra));
            Assert.DoesNotContain(live, c => c.Address < extra.Address + extra.Size && extra.Address < c.Address + c.Size);
        }
    }
}
