using System.Diagnostics;
using System.Numerics;

namespace Cma.Host.Workloads;

/// <summary>
/// Operation times in a fixed log-linear histogram (32 buckets per power of two, so a percentile is within ~3 %),
/// independent of the number of operations. Values are <see cref="Stopwatch"/> ticks, less the timer's own cost
/// (<see cref="TimerCostTicks"/>): a value is what lies between two <see cref="Stopwatch.GetTimestamp"/> calls, and the
/// two calls themselves would otherwise be charged to the operation they surround.
/// </summary>
internal sealed class LatencyHistogram
{
    /// <summary>log2 of the buckets per power of two.</summary>
    private const int SubBits = 5;

    /// <summary>Per bucket, how many values fell in it; bucket i covers [LowerBound(i), LowerBound(i + 1)).</summary>
    private readonly long[] _counts = new long[(64 - SubBits + 1) << SubBits];

    /// <summary>The largest value recorded.</summary>
    private long _max;

    /// <summary>The sum of the values recorded.</summary>
    private long _sum;

    /// <summary>What <see cref="Record"/> takes off each value: the cost of the timer reads around it.</summary>
    private readonly long _timerCost;

    /// <summary>A histogram of times read with <see cref="Stopwatch.GetTimestamp"/> (less <see cref="TimerCostTicks"/>).</summary>
    public LatencyHistogram()
        : this(TimerCostTicks)
    {
    }

    /// <summary>A histogram whose values each lose <paramref name="timerCostTicks"/> (another clock's, in the tests).</summary>
    public LatencyHistogram(long timerCostTicks) => _timerCost = timerCostTicks;

    /// <summary>The smallest difference between two back-to-back <see cref="Stopwatch.GetTimestamp"/> calls, measured
    /// once per process (the least of 20,000 pairs, after a warm-up): what timing an empty operation reads.</summary>
    public static long TimerCostTicks { get; } = MeasureTimerCost();

    /// <summary><see cref="TimerCostTicks"/> in nanoseconds.</summary>
    public static double TimerCostNanoseconds => TimerCostTicks * 1e9 / Stopwatch.Frequency;

    /// <summary>Values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Records one time in ticks, as read around an operation; the timer's own cost is taken off.</summary>
    public void Record(long ticks)
    {
        ticks -= _timerCost;
        if (ticks < 0)
            ticks = 0;
        _counts[Index((ulong)ticks)]++;
        Count++;
        _sum += ticks;
        if (ticks > _max)
            _max = ticks;
    }

    /// <summary>The summary in nanoseconds, every operation timed (<see cref="LatencySummary.Samples"/> = the count).</summary>
    public LatencySummary Summarize()
    {
        double ns = 1e9 / Stopwatch.Frequency;
        (double p50, double p99, double max) = Percentiles(Stopwatch.Frequency);
        return new LatencySummary(Count, Count == 0 ? 0 : _sum * ns / Count, p50, p99, max, _sum * ns / 1e9)
        {
            Samples = Count,
        };
    }

    /// <summary>The percentiles and maximum of the recorded values in nanoseconds at <paramref name="frequency"/> ticks a second.</summary>
    public (double P50Ns, double P99Ns, double MaxNs) Percentiles(long frequency)
    {
        double ns = 1e9 / frequency;
        return (Percentile(0.50) * ns, Percentile(0.99) * ns, _max * ns);
    }

    /// <summary>The value below which a fraction <paramref name="p"/> of the values lie (the bucket's midpoint).</summary>
    public double Percentile(double p)
    {
        if (Count == 0)
            return 0;
        long rank = (long)Math.Ceiling(p * Count);
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
                return Math.Min(_max, (LowerBound(i) + (double)LowerBound(i + 1)) / 2);
        }
        return _max;
    }

    /// <summary>Bucket of a value: values below 32 have their own bucket; above, 32 buckets per power of two.
    /// E.g. 100 (msb 6) → (6 − 5 + 1) · 32 + ((100 >> 1) &amp; 31) = 64 + 18 = 82.</summary>
    private static int Index(ulong v)
    {
        if (v < 1UL << SubBits)
            return (int)v;
        int msb = 63 - BitOperations.LeadingZeroCount(v);
        int shift = msb - SubBits;
        return ((shift + 1) << SubBits) + (int)((v >> shift) & ((1UL << SubBits) - 1));
    }

    /// <summary>The smallest value of bucket <paramref name="index"/>.</summary>
    private static ulong LowerBound(int index)
    {
        if (index < 1 << SubBits)
            return (ulong)index;
        int shift = (index >> SubBits) - 1;
        ulong mantissa = (1UL << SubBits) | (ulong)(index & ((1 << SubBits) - 1));
        return shift >= 58 ? ulong.MaxValue : mantissa << shift;
    }

    /// <summary>The least of many back-to-back timestamp differences.</summary>
    private static long MeasureTimerCost()
    {
        long least = long.MaxValue;
        for (int i = 0; i < 22_000; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            long d = Stopwatch.GetTimestamp() - t0;
            if (i >= 2_000 && d < least)
                least = d;
        }
        return least == long.MaxValue ? 0 : least;
    }
}
