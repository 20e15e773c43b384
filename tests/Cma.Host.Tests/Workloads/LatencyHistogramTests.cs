using Cma.Host.Workloads;

namespace Cma.Host.Tests.Workloads;

/// <summary>The operation times <c>cma compare</c> reports leave out the timer's own cost.</summary>
public class LatencyHistogramTests
{
    [Fact]
    public void A_time_no_longer_than_the_timer_itself_counts_as_zero_and_longer_ones_lose_the_timer_cost()
    {
        var histogram = new LatencyHistogram();

        histogram.Record(LatencyHistogram.TimerCostTicks);
        histogram.Record(LatencyHistogram.TimerCostTicks + 1000);

        Assert.Equal(2, histogram.Count);
        Assert.InRange(histogram.Percentile(0.5), 0, 1);        // the first bucket, [0, 1)
        Assert.InRange(histogram.Percentile(1.0), 970, 1000);   // a bucket's midpoint, within ~3 %
    }
}
