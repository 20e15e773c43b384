using Cma.Runtime.Regions;
using Cma.Host.Tests.Api;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cma.Host.Tests.Guard;

/// <summary>
/// Each fault of the <c>faulty</c> test plugin, injected into region <c>f</c> of a host whose map sends every request
/// to <c>f</c> first and then to <c>g</c> (best-fit), beside <c>h</c> (a healthy region of the same plugin). Whatever the
/// plugin does, the caller never receives its bad range, <c>f</c> is fenced with the reason, the fault is counted,
/// the request falls back to <c>g</c>, and <c>g</c> and <c>h</c> carry on untouched.
/// </summary>
public class HostileAllocatorTests
{
    private const ulong K4 = 4096;

    public static TheoryData<string, int, string> AllocationFaults => new()
    {
        { "out-of-region", 0, "is outside region 'f'" },
        { "misaligned", 0, "is not aligned to 4096" },
        { "inside-live", 1, "overlaps a live chunk" },
        { "same-start", 1, "overlaps a live chunk" },
        { "enclosing", 3, "overlaps a live chunk" },
        { "wrong-free-bytes", 0, "reports 978944 free bytes" },
        { "throw-allocate", 0, "threw InvalidOperationException: faulty: TryAllocate fails on purpose" },
        { "throw-stats", 0, "Stats threw InvalidOperationException" },
        { "reenter", 0, "called back into the Cma host from inside TryAllocate" },
    };

    [Theory]
    [MemberData(nameof(AllocationFaults))]
    public void A_faulty_allocation_is_never_handed_out_and_fences_only_its_region(string fault, int afterOps, string reason)
    {
        using var hook = new PluginHook();
        using TestHost host = Start(fault, afterOps, hook.Name);
        using var faults = new MetricCollector<long>(host.Meters, CmaMetrics.MeterName, "cma.plugin_faults");
        hook.Set(region => host.Service.TryAllocate("cam", null, K4, 0, out _));
        List<CmaChunk> arranged = Arrange(host, fault);
        string gBefore = Describe(host.Service.GetRegion("g")), hBefore = Describe(host.Service.GetRegion("h"));

        CmaOutcome outcome = host.Service.TryAllocate("cam", null, 16 * K4, 0, out CmaChunk chunk);

        Assert.Equal((CmaOutcome.Ok, "g"), (outcome, chunk.Region));
        CmaRegionSnapshot f = host.Service.GetRegion("f");
        Assert.Equal(RegionState.Fenced, f.State);
        Assert.Contains(reason, f.FenceReason);
        Assert.Equal(arranged.Select(c => c.Address), LiveStarts(host, "f"));
        Assert.Equal(1, f.Faults);
        Assert.Equal(1, faults.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal("f", faults.LastMeasurement!.Tags["region"]);
        Assert.Equal(gBefore, Describe(host.Service.GetRegion("g"), except: chunk));
        Assert.Equal(hBefore, Describe(host.Service.GetRegion("h")));
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("h", K4, 0, out CmaChunk fromH));
        Assert.Equal("h", fromH.Region);
        Assert.Equal(CmaOutcome.AllRegionsFenced, host.Service.TryAllocateFrom("f", K4, 0, out _));
    }

    [Fact]
    public void A_plugin_that_calls_the_host_from_inside_a_call_is_refused_even_if_it_hides_the_refusal()
    {
        using var hook = new PluginHook();
        using TestHost host = Start("reenter", 0, hook.Name);
        Exception? seenByPlugin = null;
        hook.Set(_ =>
        {
            try
            {
                host.Service.GetRegions();
            }
            catch (Exception e)
            {
                seenByPlugin = e;
                throw;
            }
        });

        CmaChunk chunk = host.Service.Allocate("cam", null, K4);

        Assert.Equal("g", chunk.Region);
        Assert.IsType<InvalidOperationException>(seenByPlugin);
        Assert.Equal(RegionState.Fenced, host.Service.GetRegion("f").State);
        Assert.Empty(LiveStarts(host, "f"));
    }

    [Fact]
    public void A_free_that_throws_still_releases_the_chunk_to_the_caller_and_fences_the_region()
    {
        using TestHost host = Start("throw-free", 1);
        CmaChunk first = host.Service.Allocate("cam", null, K4);

        CmaOutcome freed = host.Service.TryFree(first.Address);

        Assert.Equal(CmaOutcome.Ok, freed);
        CmaRegionSnapshot f = host.Service.GetRegion("f");
        Assert.Equal((RegionState.Fenced, 0L), (f.State, f.Chunks));
        Assert.Contains("Free(0x" + first.Address.ToString("X") + ", 4096) threw InvalidOperationException", f.FenceReason);
        Assert.Equal("g", host.Service.Allocate("cam", null, K4).Region);
    }

    [Fact]
    public void A_create_that_throws_fences_the_region_at_start_and_requests_fall_back()
    {
        using TestHost host = Start("throw-create", 0);

        CmaRegionSnapshot f = host.Service.GetRegion("f");
        CmaChunk chunk = host.Service.Allocate("cam", null, K4);

        Assert.Equal(RegionState.Fenced, f.State);
        Assert.Contains("Create threw InvalidOperationException: faulty: Create of region 'f' fails on purpose", f.FenceReason);
        Assert.Equal("g", chunk.Region);
        Assert.False(host.Service.TryReopen("f", out string? reason));
        Assert.Contains("Create threw", reason);
    }

    [Fact]
    public void A_free_in_a_fenced_region_leaves_the_registry_without_calling_the_plugin_and_is_counted()
    {
        using TestHost host = Start("out-of-region", 2);
        CmaChunk a = host.Service.Allocate("cam", null, K4);
        CmaChunk b = host.Service.Allocate("cam", null, K4);
        Assert.Equal("g", host.Service.Allocate("cam", null, K4).Region); // the third request faults and falls back
        int freeCallsBefore = host.AllocatorCounter("f", "FreeCalls");

        CmaOutcome freed = host.Service.TryFree(a.Address);

        Assert.Equal(CmaOutcome.Ok, freed);
        Assert.Equal(freeCallsBefore, host.AllocatorCounter("f", "FreeCalls"));
        CmaRegionSnapshot f = host.Service.GetRegion("f");
        Assert.Equal((1L, 1L), (f.Chunks, f.FreesWhileFenced));
        Assert.Equal([b.Address], LiveStarts(host, "f"));
        Assert.Equal(CmaOutcome.NotFound, host.Service.TryFree(a.Address));
    }

    [Fact]
    public void A_fenced_region_reopens_with_a_fresh_allocator_only_once_it_holds_no_chunks()
    {
        using TestHost host = Start("out-of-region", 2);
        CmaChunk a = host.Service.Allocate("cam", null, K4);
        CmaChunk b = host.Service.Allocate("cam", null, K4);
        host.Service.Allocate("cam", null, K4);
        object fencedInstance = host.RegionNamed("f").Allocator!;
        host.Service.Free(a.Address);

        bool reopenedWhileHeld = host.Service.TryReopen("f", out string? heldReason);
        host.Service.Free(b.Address);
        bool reopened = host.Service.TryReopen("f", out string? reason);

        Assert.False(reopenedWhileHeld);
        Assert.Contains("still holds 1 chunk", heldReason);
        Assert.True(reopened, reason);
        Assert.NotSame(fencedInstance, host.RegionNamed("f").Allocator);
        CmaRegionSnapshot f = host.Service.GetRegion("f");
        Assert.Equal((RegionState.Active, null, 1UL << 20), (f.State, f.FenceReason, f.FreeBytes));
        Assert.Equal("f", host.Service.Allocate("cam", null, K4).Region);
    }

    /// <summary>Performs the correct operations the fault waits for (<c>AfterOps</c>), leaving live chunks in f to aim at.</summary>
    private static List<CmaChunk> Arrange(TestHost host, string fault)
    {
        var live = new List<CmaChunk>();
        switch (fault)
        {
            case "inside-live":
            case "same-start":
                live.Add(host.Service.Allocate("cam", null, 4 * K4));
                break;
            case "enclosing":
                // a at the region's start, b after it; freeing a leaves a hole before b, so one granule before b is free
                // and a 16-granule range from there encloses b.
                CmaChunk a = host.Service.Allocate("cam", null, K4);
                live.Add(host.Service.Allocate("cam", null, K4));
                host.Service.Free(a.Address);
                break;
        }
        Assert.All(live, c => Assert.Equal("f", c.Region));
        Assert.Equal(RegionState.Active, host.Service.GetRegion("f").State);
        return live;
    }

    private static TestHost Start(string fault, int afterOps, string? hook = null) => TestHost.Start(
        $"[ {TestHost.FaultyRegion("f", fault, afterOps, hook: hook)}, {TestHost.Region("g")}, {TestHost.FaultyRegion("h", "none")} ]",
        """[ "*=f,g" ]""");

    private static List<ulong> LiveStarts(TestHost host, string region)
    {
        var starts = new List<ulong>();
        host.RegionNamed(region).Chunks.ForEach((start, _) => starts.Add(start));
        return starts;
    }

    /// <summary>A region's free space and chunk count, as if <paramref name="except"/> (if in it) had not been allocated.</summary>
    private static string Describe(CmaRegionSnapshot r, CmaChunk except = default)
    {
        bool mine = except.Region == r.Name;
        return $"{r.State} {r.Faults} chunks={r.Chunks - (mine ? 1 : 0)} free={r.FreeBytes + (mine ? except.Size : 0)}";
    }
}
