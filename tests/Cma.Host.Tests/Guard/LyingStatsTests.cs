using System.Text;
using Cma.Host.Tests.Api;
using Cma.Host.Tests.Workloads;
using Cma.Host.Workloads;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cma.Host.Tests.Guard;

/// <summary>
/// Stats that contradict themselves, the region or the plugin's own answers, caught by the cheap checks the host makes
/// after every operation: each fences region <c>f</c> (64K of the <c>faulty</c> plugin) with a reason that says what is
/// wrong, is counted, and the request in flight falls back to <c>g</c>. The free bytes are right in every case here, so
/// only these checks can see the lie.
/// </summary>
public sealed class LyingStatsTests
{
    private const ulong K4 = 4096;

    /// <summary>Fault, the operation that reveals it (<c>+N</c> allocates N granules, <c>-</c> frees the chunk the arrangement
    /// left), and the reason the region is fenced with.</summary>
    public static TheoryData<string, string, string> Lies => new()
    {
        { "largest-over-free", "+4", "reports a largest free block of 53248 bytes, more than its 49152 free bytes" },
        { "unaligned-largest", "+4", "reports a largest free block of 49151 bytes, which is not a multiple of the granule (4096)" },
        { "zero-largest", "+4", "reports 49152 free bytes but a largest free block of 0" },
        { "no-free-blocks", "+4", "reports 49152 free bytes in 0 free blocks" },
        { "extra-free-block", "+16", "reports 1 free block(s), more than its 0 free bytes can make" },
        { "inflated-largest", "+2", "TryAllocate(8192, 4096) failed, but the plugin reports a largest free block of 32768 bytes" },
        { "understated-largest", "+4", "but the plugin's stats before the call reported a largest free block of 4096 bytes" },
        { "split-when-empty", "-", "with no live chunk the plugin reports 2 free block(s), the largest 65536 bytes, but its traits say" },
    };

    [Theory]
    [MemberData(nameof(Lies))]
    public void Stats_that_cannot_be_true_fence_the_region_with_the_reason(string fault, string reveal, string reason)
    {
        using TestHost host = TestHost.Start(
            $"[ {TestHost.FaultyRegion("f", fault, AfterOps(fault), size: "64K")}, {TestHost.Region("g")} ]", """[ "*=f,g" ]""");
        using var faults = new MetricCollector<long>(host.Meters, CmaMetrics.MeterName, "cma.plugin_faults");
        CmaChunk? left = Arrange(host, fault);

        if (reveal == "-")
        {
            Assert.Equal(CmaOutcome.Ok, host.Service.TryFree(left!.Value.Address));
        }
        else
        {
            CmaChunk chunk = host.Service.Allocate("cam", null, ulong.Parse(reveal[1..], System.Globalization.CultureInfo.InvariantCulture) * K4);
            Assert.Equal("g", chunk.Region);
        }

        CmaRegionSnapshot f = host.Service.GetRegion("f");
        Assert.Equal((RegionState.Fenced, 1L), (f.State, f.Faults));
        Assert.Contains(reason, f.FenceReason);
        Assert.Equal(1, faults.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public void A_replay_of_a_plugin_that_claims_its_free_bytes_are_one_block_reports_the_fault_not_zero_fragmentation()
    {
        // What 'cma compare' runs per allocator. Eight one-granule holes are 32K free in blocks of 4K (87.5 % external
        // fragmentation); the plugin says 32K in one block (0 %) until a request of 8K fails.
        using TestHost host = TestHost.Start($"[ {TestHost.FaultyRegion("f", "inflated-largest", size: "64K")} ]");
        var trace = new StringBuilder("# region 64K\n");
        for (int i = 0; i < 16; i++)
            trace.Append("a c").Append(i).Append(" 4K\n");
        for (int i = 0; i < 16; i += 2)
            trace.Append("f c").Append(i).Append('\n');
        trace.Append("a big 8K\n");
        using var reader = new CmaTraceReader(WorkloadTestKit.Lines(trace.ToString()), "lying.trace", lenient: false);

        ReplayResult result = AllocatorReplay.Run(reader, host.RegionNamed("f"), new ReplayOptions());

        Assert.Contains("TryAllocate(8192, 4096) failed, but the plugin reports a largest free block of 32768 bytes", result.Fault);
        Assert.Equal(16L, result.Satisfied);
    }

    [Fact]
    public void Honest_stats_of_a_fragmented_region_pass_every_check()
    {
        using TestHost host = TestHost.Start($"[ {TestHost.FaultyRegion("f", "none", size: "64K")}, {TestHost.Region("g")} ]", """[ "*=f,g" ]""");
        Arrange(host, "inflated-largest");

        CmaOutcome tooLarge = host.Service.TryAllocateFrom("f", 2 * K4, 0, out _);
        CmaChunk fits = host.Service.Allocate("cam", null, K4);

        Assert.Equal((CmaOutcome.NoSpace, "f"), (tooLarge, fits.Region));
        CmaRegionSnapshot f = host.Service.GetRegion("f");
        Assert.Equal((RegionState.Active, 7UL, K4, 9L), (f.State, f.FreeBlocks, f.LargestFreeBlock, f.Chunks));
    }

    /// <summary>The operations each fault waits for: it arms at operation <c>AfterOps</c>, the one that reveals it.</summary>
    private static int AfterOps(string fault) => fault == "inflated-largest" ? 24 : 0;

    /// <summary>Leaves f as each fault needs it; returns the chunk a revealing free frees.</summary>
    private static CmaChunk? Arrange(TestHost host, string fault)
    {
        switch (fault)
        {
            case "inflated-largest":
                // 16 one-granule chunks fill f; freeing every other one leaves 8 one-granule holes: 32K free, none of it
                // in a block larger than a granule.
                var chunks = new List<CmaChunk>();
                for (int i = 0; i < 16; i++)
                    chunks.Add(host.Service.Allocate("cam", null, K4));
                for (int i = 0; i < 16; i += 2)
                    host.Service.Free(chunks[i].Address);
                Assert.All(chunks, c => Assert.Equal("f", c.Region));
                return null;
            case "understated-largest":
            case "split-when-empty":
                // The operation that arms the fault; its stats before it were true.
                CmaChunk first = host.Service.Allocate("cam", null, K4);
                Assert.Equal("f", first.Region);
                return first;
            default:
                return null;
        }
    }
}
