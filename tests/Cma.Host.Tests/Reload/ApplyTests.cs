using Cma.Host.Tests.Api;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static Cma.Host.Tests.Reload.ReloadConfig;

namespace Cma.Host.Tests.Reload;

/// <summary><see cref="ICmaService.Apply"/>: a valid new section's difference is applied; an invalid or unsafe one
/// changes nothing, and the outcome says why.</summary>
public sealed class ApplyTests
{
    private static readonly string A = Region("a", "0x40000000");
    private static readonly string B = Region("b", "0x40100000");
    private static readonly string C = Region("c", "0x40200000");

    [Fact]
    public void A_valid_edit_adds_a_region_changes_the_map_and_swaps_an_allocator()
    {
        using TestHost host = TestHost.Start($"[ {A}, {B} ]", """["cam=a", "*=b"]""");
        CmaChunk kept = host.Service.Allocate("cam", null, 12288);
        using var reloads = new MetricCollector<long>(host.Meters, CmaMetrics.MeterName, "cma.config_reloads");

        CmaReloadOutcome outcome = host.Service.Apply(Section($"[ {Region("a", "0x40000000", "tlsf")}, {B}, {C} ]", """["cam=c,a", "*=b"]"""));

        Assert.Equal(CmaReloadResult.Applied, outcome.Result);
        Assert.Same(outcome, host.Service.LastReload);
        Assert.Contains(outcome.Changes, c => c.Contains("added region 'c'", StringComparison.Ordinal));
        Assert.Contains(outcome.Changes, c => c.Contains("allocator best-fit → tlsf", StringComparison.Ordinal));
        Assert.Contains(outcome.Changes, c => c.StartsWith("map:", StringComparison.Ordinal));
        Assert.Equal(["a", "b", "c"], host.Service.GetRegions().Select(r => r.Name));
        Assert.Equal("tlsf", host.Service.GetRegion("a").Allocator);
        Assert.Equal(1, host.Service.GetRegion("a").Chunks);   // the chunk survived the swap
        Assert.Equal("c", host.Service.Allocate("cam", null, 4096).Region);
        host.Service.Free(kept.Address);
        Assert.Equal([1L], reloads.GetMeasurementSnapshot().Where(m => (string?)m.Tags["outcome"] == "applied").Select(m => m.Value));
    }

    [Fact]
    public void An_empty_region_is_removed_and_closed()
    {
        using TestHost host = TestHost.Start($"[ {A}, {B} ]");
        Cma.Runtime.Regions.Region b = host.RegionNamed("b");

        CmaReloadOutcome outcome = host.Service.Apply(Section($"[ {A} ]"));

        Assert.Equal(CmaReloadResult.Applied, outcome.Result);
        Assert.Contains("removed region 'b'", outcome.Changes);
        Assert.Equal(["a"], host.Service.GetRegions().Select(r => r.Name));
        Assert.Equal(RegionState.Fenced, b.State);
        Assert.Equal(Cma.Runtime.Regions.Region.RemovedReason, b.FenceReason);
        Assert.Throws<ArgumentException>(() => host.Service.GetRegion("b"));
    }

    [Fact]
    public void A_region_with_chunks_is_not_removed_and_the_message_gives_their_count_and_owners()
    {
        using TestHost host = TestHost.Start($"[ {A}, {B} ]", """["cam=b", "gpu=b", "*=a"]""");
        host.Service.Allocate("cam", "preview", 4096);
        host.Service.Allocate("cam", "preview", 4096);
        host.Service.Allocate("gpu", null, 4096);
        string before = host.StateText();

        CmaReloadOutcome outcome = host.Service.Apply(Section($"[ {A}, {C} ]"));

        Assert.Equal(CmaReloadResult.Refused, outcome.Result);
        string problem = Assert.Single(outcome.Problems);
        Assert.Contains("region 'b' cannot be removed: it holds 3 chunk(s)", problem, StringComparison.Ordinal);
        Assert.Contains("cam/preview (2)", problem, StringComparison.Ordinal);
        Assert.Contains("gpu/common (1)", problem, StringComparison.Ordinal);
        Assert.Equal(before, host.StateText());   // nothing changed: c not added, b still serving
        Assert.Equal("b", host.Service.Allocate("cam", null, 4096).Region);
    }

    [Theory]
    [InlineData("""{ "Name": "a", "Start": "0x40000000", "Size": "12Q", "Allocator": "best-fit" }""", "Size")]
    [InlineData("""{ "Name": "a", "Start": "0x40000000", "Size": "1M", "Allocator": "no-such-allocator" }""", "no-such-allocator")]
    [InlineData("""{ "Name": "a", "Start": "0x40080000", "Size": "1M", "Allocator": "best-fit" }, { "Name": "d", "Start": "0x40000000", "Size": "1M" }""", "overlap")]
    public void An_invalid_edit_changes_nothing_and_reports_the_same_messages_as_at_start(string regions, string expected)
    {
        using TestHost host = TestHost.Start($"[ {A}, {B} ]");
        string before = host.StateText();
        using var reloads = new MetricCollector<long>(host.Meters, CmaMetrics.MeterName, "cma.config_reloads");

        CmaReloadOutcome outcome = host.Service.Apply(Section($"[ {regions}, {B} ]"));

        Assert.Equal(CmaReloadResult.Invalid, outcome.Result);
        Assert.Contains(outcome.Problems, p => p.Contains(expected, StringComparison.OrdinalIgnoreCase));
        Assert.Empty(outcome.Changes);
        Assert.Equal(before, host.StateText());
        Assert.Equal("invalid", Assert.Single(reloads.GetMeasurementSnapshot()).Tags["outcome"]);
    }

    [Fact]
    public void A_map_naming_an_unknown_region_is_invalid()
    {
        using TestHost host = TestHost.Start($"[ {A} ]", """["*=a"]""");

        CmaReloadOutcome outcome = host.Service.Apply(Section($"[ {A} ]", """["*=nowhere"]"""));

        Assert.Equal(CmaReloadResult.Invalid, outcome.Result);
        Assert.Contains(outcome.Problems, p => p.Contains("nowhere", StringComparison.Ordinal));
        Assert.Equal("a", host.Service.Allocate("x", null, 4096).Region);
    }

    [Theory]
    [InlineData("""{ "Name": "a", "Start": "0x40000000", "Size": "2M", "Allocator": "best-fit" }""", "Size")]
    [InlineData("""{ "Name": "a", "Start": "0x50000000", "Size": "1M", "Allocator": "best-fit" }""", "Start")]
    [InlineData("""{ "Name": "a", "Start": "0x40000000", "Size": "1M", "Allocator": "best-fit", "Granule": 8192 }""", "Granule")]
    [InlineData("""{ "Name": "a", "Start": "0x40000000", "Size": "1M", "Allocator": "best-fit", "Reusable": true }""", "Reusable")]
    public void A_change_that_cannot_apply_while_running_is_refused_and_says_a_restart_applies_it(string region, string field)
    {
        using TestHost host = TestHost.Start($"[ {A} ]");
        string before = host.StateText();

        CmaReloadOutcome outcome = host.Service.Apply(Section($"[ {region} ]"));

        Assert.Equal(CmaReloadResult.Refused, outcome.Result);
        Assert.Contains(outcome.Problems, p => p.Contains(":" + field, StringComparison.Ordinal) && p.Contains("restart", StringComparison.Ordinal));
        Assert.Equal(before, host.StateText());
    }

    [Fact]
    public void A_refused_swap_undoes_the_swaps_already_made_and_changes_nothing()
    {
        using TestHost host = TestHost.Start($"[ {A}, {B} ]");
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("b", 4096, 0, out _));
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("b", 12288, 0, out _));   // 3 granules at 4K: buddy rounds to 4
        string before = host.StateText();

        CmaReloadOutcome outcome = host.Service.Apply(Section($"[ {Region("a", "0x40000000", "tlsf")}, {Region("b", "0x40100000", "buddy")}, {C} ]"));

        Assert.Equal(CmaReloadResult.Refused, outcome.Result);
        Assert.Contains(outcome.Problems, p => p.Contains("region 'b'", StringComparison.Ordinal) && p.Contains("buddy", StringComparison.Ordinal));
        Assert.Equal("best-fit", host.Service.GetRegion("a").Allocator);
        Assert.Equal(["a", "b"], host.Service.GetRegions().Select(r => r.Name));
        Assert.Equal(before, host.StateText());
    }

    [Fact]
    public void The_same_section_twice_applies_once()
    {
        using TestHost host = TestHost.Start($"[ {A} ]");
        using var reloads = new MetricCollector<long>(host.Meters, CmaMetrics.MeterName, "cma.config_reloads");

        CmaReloadOutcome first = host.Service.Apply(Section($"[ {A}, {B} ]"));
        CmaReloadOutcome second = host.Service.Apply(Section($"[ {A}, {B} ]"));
        CmaReloadOutcome same = host.Service.Apply(Section($"[ {A}, {B} ]", null));

        Assert.Equal(CmaReloadResult.Applied, first.Result);
        Assert.Equal(CmaReloadResult.Unchanged, second.Result);
        Assert.Equal(CmaReloadResult.Unchanged, same.Result);
        Assert.Equal(["applied", "unchanged", "unchanged"], reloads.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
        Assert.Equal(["a", "b"], host.Service.GetRegions().Select(r => r.Name));
    }

    [Fact]
    public void The_start_configuration_again_is_unchanged()
    {
        using TestHost host = TestHost.Start($"[ {A} ]");

        Assert.Equal(CmaReloadResult.Unchanged, host.Service.Apply(Section($"[ {A} ]")).Result);
    }

    [Fact]
    public void The_same_invalid_section_twice_is_reported_once()
    {
        using TestHost host = TestHost.Start($"[ {A} ]");
        using var reloads = new MetricCollector<long>(host.Meters, CmaMetrics.MeterName, "cma.config_reloads");
        string bad = $"[ {Region("a", "0x40000000", "no-such-allocator")} ]";

        CmaReloadOutcome first = host.Service.Apply(Section(bad));
        CmaReloadOutcome again = host.Service.Apply(Section(bad));

        Assert.Equal(CmaReloadResult.Invalid, first.Result);
        Assert.Same(first, again);
        Assert.Single(reloads.GetMeasurementSnapshot());
        Assert.Equal(CmaReloadResult.Unchanged, host.Service.Apply(Section($"[ {A} ]")).Result);   // the running one: nothing to do
    }
}
