using Cma.Host.Tests.Api;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cma.Host.Tests.Metrics;

/// <summary>
/// The <c>Cma</c> meter, created through the host's <c>IMeterFactory</c>: each test host has a factory of its own, so
/// <see cref="MetricCollector{T}"/> sees exactly that host's operations even while other tests run in parallel.
/// </summary>
public class CmaMeterTests
{
    private const ulong K4 = 4096;

    [Fact]
    public void Allocations_are_counted_by_region_allocator_and_outcome()
    {
        using TestHost host = Start();
        using var allocations = Collector<long>(host, "cma.allocations");

        host.Service.Allocate("cam", null, K4);
        host.Service.TryAllocate("cam", null, 4UL << 20, 0, out _);
        host.Service.TryAllocate("nobody", null, K4, 0, out _);

        Assert.Equal(
            ["a best-fit ok 1", "a best-fit no-space 1", "  no-rule 1"],
            allocations.GetMeasurementSnapshot().Select(m => $"{m.Tags["region"]} {m.Tags["allocator"]} {m.Tags["outcome"]} {m.Value}"));
    }

    [Fact]
    public void Frees_are_counted_with_their_outcome()
    {
        using TestHost host = Start();
        using var frees = Collector<long>(host, "cma.frees");
        CmaChunk chunk = host.Service.Allocate("cam", null, K4);

        host.Service.TryFree(chunk.Address);
        host.Service.TryFree(chunk.Address);
        host.Service.TryFree(12345);

        Assert.Equal(["a ok", "a not-found", " not-found"], frees.GetMeasurementSnapshot().Select(m => $"{m.Tags["region"]} {m.Tags["outcome"]}"));
    }

    [Fact]
    public void Rejected_arguments_are_counted_by_parameter()
    {
        using TestHost host = Start();
        using var rejected = Collector<long>(host, "cma.rejected_arguments");

        Assert.Throws<ArgumentException>(() => host.Service.TryAllocate("cam", null, 0, 0, out _));
        Assert.Throws<ArgumentException>(() => host.Service.TryAllocate("cam", null, K4, 3, out _));

        Assert.Equal(["size", "alignment"], rejected.GetMeasurementSnapshot().Select(m => (string)m.Tags["parameter"]!));
    }

    [Fact]
    public void Allocation_latency_is_recorded_only_while_someone_listens()
    {
        using TestHost host = Start();
        var metrics = new CmaMetrics(host.Meters);
        long unheard = metrics.StartTimer();
        using var latency = Collector<double>(host, "cma.allocation.duration");

        host.Service.Allocate("cam", null, K4);

        Assert.Equal(0, unheard);
        Assert.NotEqual(0, metrics.StartTimer());
        CollectedMeasurement<double> sample = Assert.Single(latency.GetMeasurementSnapshot());
        Assert.True(sample.Value > 0);
        Assert.Equal("a", sample.Tags["region"]);
    }

    [Fact]
    public void Region_gauges_report_free_bytes_largest_block_chunks_and_fencing_from_the_snapshot()
    {
        using TestHost host = TestHost.Start($"[ {TestHost.Region("a")}, {TestHost.FaultyRegion("f", "throw-create")} ]");
        using var free = Collector<long>(host, "cma.region.free_bytes");
        using var largest = Collector<long>(host, "cma.region.largest_free_block");
        using var chunks = Collector<long>(host, "cma.region.chunks");
        using var fenced = Collector<long>(host, "cma.region.fenced");
        host.Service.Allocate("x", null, 3 * K4);
        host.Service.TryAllocateFrom("a", K4, 64 * 1024, out CmaChunk aligned);

        foreach (var collector in (MetricCollector<long>[])[free, largest, chunks, fenced])
            collector.RecordObservableInstruments();

        CmaRegionSnapshot a = host.Service.GetRegion("a");
        Assert.Equal((long)a.FreeBytes, Gauge(free, "a"));
        Assert.Equal((1L << 20) - 4 * (long)K4, Gauge(free, "a"));
        Assert.Equal((long)a.LargestFreeBlock, Gauge(largest, "a"));
        Assert.Equal(2, Gauge(chunks, "a"));
        Assert.Equal((0L, 1L), (Gauge(fenced, "a"), Gauge(fenced, "f")));
        Assert.Equal("a", aligned.Region);
    }

    [Fact]
    public void Plugin_faults_are_counted_by_region_including_a_create_that_failed_at_start()
    {
        using var faultsAtStart = new MetricCollectorBox();
        using TestHost host = TestHost.Start(
            $"[ {TestHost.FaultyRegion("f", "throw-create")}, {TestHost.FaultyRegion("o", "out-of-region")}, {TestHost.Region("a")} ]",
            beforeBuild: loaded => faultsAtStart.Collector = new MetricCollector<long>(loaded.Meters, CmaMetrics.MeterName, "cma.plugin_faults"));

        host.Service.Allocate("cam", null, K4);

        Assert.Equal(["f faulty 1", "o faulty 1"],
            faultsAtStart.Collector!.GetMeasurementSnapshot().Select(m => $"{m.Tags["region"]} {m.Tags["allocator"]} {m.Value}"));
    }

    [Fact]
    public void Two_hosts_with_their_own_meter_factories_do_not_count_each_others_operations()
    {
        using TestHost one = Start();
        using TestHost two = Start();
        using var counted = Collector<long>(one, "cma.allocations");

        two.Service.Allocate("cam", null, K4);
        one.Service.Allocate("cam", null, K4);
        two.Service.Allocate("cam", null, K4);

        Assert.Equal(1, counted.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    private static TestHost Start() => TestHost.Start($"[ {TestHost.Region("a")} ]", """[ "cam=a", "x=a" ]""");

    private static MetricCollector<T> Collector<T>(TestHost host, string instrument)
        where T : struct => new(host.Meters, CmaMetrics.MeterName, instrument);

    private static long Gauge(MetricCollector<long> collector, string region) =>
        collector.GetMeasurementSnapshot().Last(m => (string?)m.Tags["region"] == region).Value;

    /// <summary>Holds a collector made before the host existed, and disposes it.</summary>
    private sealed class MetricCollectorBox : IDisposable
    {
        public MetricCollector<long>? Collector { get; set; }

        public void Dispose() => Collector?.Dispose();
    }
}
