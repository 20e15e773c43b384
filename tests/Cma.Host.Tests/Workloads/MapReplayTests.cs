using Cma.Runtime.Mapping;
using Cma.Runtime.Regions;
using Cma.Host.Workloads;
using Microsoft.Extensions.Logging.Abstractions;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

public class MapReplayTests
{
    [Fact]
    public void Requests_follow_the_map_fall_back_in_order_and_fail_without_a_rule()
    {
        // cam goes to small (16K) then big (64K): 12K fits small, the 8K after it falls back to big; video has no rule.
        Region small = OpenRegionAt("small", 1UL << 30, 16 << 10), big = OpenRegionAt("big", 2UL << 30, 64 << 10);
        using var service = new CmaService([small, big], Mapping.MapText.Parse(["cam=small,big", "gfx=big"]), NullLogger.Instance);
        const string Trace = "a 1 12K @cam\na 2 8K @cam/preview\na 3 4K @gfx\na 4 4K @video\nf 1\nf 4\n";
        using var reader = new CmaTraceReader(Lines(Trace), "t.trace", false);

        MapReplayResult r = MapReplay.Run(reader, service, "t.trace", null, null, null);

        DeviceReplayRow cam = r.Devices.Single(d => d.Device == "cam" && d.Type is null);
        Assert.Equal(("small", 1L), (cam.PlacedIn.Single().Key, cam.PlacedIn.Single().Value));
        Assert.Equal(1L, r.Devices.Single(d => d.Type == "preview").PlacedIn["big"]);
        Assert.Equal((1L, 4L), (r.Devices.Single(d => d.Device == "video").NoMatchingRule, r.Devices.Single(d => d.Device == "video").FirstFailureLine));
        Assert.Equal(1L, r.FreesOfFailedSkipped);
        Assert.Equal([12UL << 10, 12UL << 10], r.Regions.Select(x => x.PeakLiveBytes));
        Assert.Equal(0, service.GetRegion("small").Chunks);
        Assert.Equal(2, service.GetRegion("big").Chunks);
    }

    [Fact]
    public void With_occupancy_capture_each_region_gets_its_exact_peak_map_and_the_map_at_its_first_failure()
    {
        // small (16K): 8K + 4K live = peak 12K at op 2, then a free, then a 12K request that cannot fit (first failure, op 4).
        Region small = OpenRegionAt("small", 1UL << 30, 16 << 10);
        using var service = new CmaService([small], Mapping.MapText.Parse(["cam=small"]), NullLogger.Instance);
        const string Trace = "a 1 8K @cam\na 2 4K @cam\nf 1\na 3 12K @cam\n";
        using var reader = new CmaTraceReader(Lines(Trace), "t.trace", false);

        MapReplayResult r = MapReplay.Run(reader, service, "t.trace", null, null, null, captureOccupancy: true);

        OccupancyMap peak = r.Regions[0].Occupancy.Single(m => m.What == "peak load");
        Assert.Equal((2L, 12UL << 10, 2L), (peak.Op, peak.LiveBytes, peak.Chunks));
        Assert.Equal(12.0 * 1024, peak.Cells.Sum() * (16.0 * 1024 / OccupancyMap.CellCount), 6);
        OccupancyMap failure = r.Regions[0].Occupancy.Single(m => m.What == "first failure");
        Assert.Equal((4L, 4UL << 10), (failure.Op, failure.LiveBytes));
        Assert.Equal(4.0 * 1024, failure.Cells.Sum() * (16.0 * 1024 / OccupancyMap.CellCount), 6);
    }

    private static Region OpenRegionAt(string name, ulong start, ulong size)
    {
        var provider = new FirstFitProvider();
        var region = new Region(new CmaRegion(name, start, size, 4096), 4096, provider.Name, provider,
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), NullLogger.Instance);
        Assert.Null(region.Open());
        return region;
    }
}
