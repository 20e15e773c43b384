using Cma.Host.Workloads;

namespace Cma.Host.Tests.Workloads;

public class ReplayMeterTests
{
    private static ReplayResult NewResult() => new() { Name = "r", RegionSize = 16 << 10, Granule = 4096 };

    [Fact]
    public void The_peak_is_the_operation_that_first_reached_it_and_the_footprint_never_shrinks()
    {
        ReplayResult result = NewResult();
        var meter = new ReplayMeter(result, regionStart: 0x1000_0000);

        bool first = meter.Allocated(0x1000_2000, 8 << 10, op: 1);   // live 8K, ends at 16K
        meter.Freed(8 << 10);                                          // live 0
        bool again = meter.Allocated(0x1000_0000, 8 << 10, op: 3);    // live 8K again: not a new peak
        bool higher = meter.Allocated(0x1000_1000, 4 << 10, op: 4);   // live 12K
        meter.Finish(operations: 4);

        Assert.Equal((true, false, true), (first, again, higher));
        Assert.Equal((12UL << 10, 4L), (result.PeakLiveBytes, result.PeakLiveOp));
        Assert.Equal(16UL << 10, result.PeakFootprint);
        Assert.Equal((3L, 1L), (result.Satisfied, result.Frees));
        Assert.Equal(12UL << 10, meter.Live);
    }

    [Fact]
    public void Fragmentation_is_one_minus_largest_free_over_free_its_mean_taken_over_every_operation()
    {
        ReplayResult result = NewResult();
        var meter = new ReplayMeter(result, regionStart: 0);

        meter.Sample(new CmaAllocatorStats(FreeBytes: 8192, LargestFreeBlock: 4096, FreeBlockCount: 2));   // 0.5
        meter.Sample(new CmaAllocatorStats(FreeBytes: 0, LargestFreeBlock: 0, FreeBlockCount: 0));         // full: 0
        meter.Finish(operations: 4);

        Assert.Equal(0.5, result.FragmentationMax);
        Assert.Equal(0.125, result.FragmentationMean);   // (0.5 + 0) / 4 operations
        Assert.Equal(4L, result.FragmentationSamples);
        Assert.Equal(2, result.Series.Sum(p => p.Ops));
    }

    [Fact]
    public void Failures_are_counted_and_the_first_thousand_operations_listed()
    {
        ReplayResult result = NewResult();
        var meter = new ReplayMeter(result, regionStart: 0);

        for (long op = 1; op <= ReplayMeter.FailureOpsKept + 5; op++)
            meter.Failed(op);

        Assert.Equal(ReplayMeter.FailureOpsKept + 5L, result.Failed);
        Assert.Equal(ReplayMeter.FailureOpsKept, result.FailureOps.Count);
        Assert.Equal(1L, result.FailureOps[0]);
    }
}
