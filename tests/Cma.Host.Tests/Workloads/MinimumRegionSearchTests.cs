using Cma.Host.Workloads;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

public class MinimumRegionSearchTests
{
    [Theory]
    [InlineData(37, 1)]
    [InlineData(37, 37)]
    [InlineData(1000, 3)]
    [InlineData(64, 64)]
    public void On_a_monotone_workload_the_search_finds_the_threshold_exactly(int thresholdGranules, int lowerBoundGranules)
    {
        const ulong Granule = 4096;
        ulong threshold = (ulong)thresholdGranules * Granule;

        ulong? found = MinimumRegionSearch.Find(size => size >= threshold, (ulong)lowerBoundGranules * Granule, Granule, 1UL << 40, out int probes);

        Assert.Equal(threshold, found);
        Assert.InRange(probes, 1, 30);
    }

    [Fact]
    public void When_even_the_limit_fails_there_is_no_minimum()
    {
        ulong? found = MinimumRegionSearch.Find(_ => false, 4096, 4096, 1 << 20, out int probes);

        Assert.Null(found);
        Assert.True(probes > 0);
    }

    [Fact]
    public void A_lower_bound_above_the_limit_finds_none_without_trying_a_size()
    {
        var tried = new List<ulong>();

        ulong? found = MinimumRegionSearch.Find(size => { tried.Add(size); return true; }, ulong.MaxValue, 4096, ulong.MaxValue, out int probes);

        Assert.Null(found);
        Assert.Equal(0, probes);
        Assert.Empty(tried);
    }

    [Fact]
    public void The_size_found_for_a_replay_succeeds_and_one_granule_less_fails()
    {
        // First fit with 1M-aligned 1M buffers and small 4K chunks between them: the minimum exceeds the peak live bytes.
        string trace = "a s1 4K\na f1 1M 1M\na s2 4K\na f2 1M 1M\nf s1\na f3 512K 1M\n";
        string path = WriteTemp("t.trace", trace);
        TraceFile file = TraceFile.Open(path);
        TraceProfile profile = TraceProfile.Measure(file, 4096);
        var candidate = new AllocatorCandidate("first-fit", new FirstFitProvider());
        var settings = new ComparisonSettings { Granule = 4096, FindMinimumSize = true };

        ulong? minimum = WorkloadComparison.FindMinimumSize(file, profile, candidate, settings, null, out _);

        Assert.NotNull(minimum);
        Assert.True(minimum > profile.PeakLiveBytes);
        Assert.Equal(0, Run(minimum.Value).Failed);
        Assert.True(Run(minimum.Value - 4096).Failed > 0);

        ReplayResult Run(ulong size) => WorkloadComparison.RunOne(file, profile, candidate, settings.RegionStart, size, 4096, new ReplayOptions());
    }
}
