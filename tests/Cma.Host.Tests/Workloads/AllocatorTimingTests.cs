using System.Text;
using Cma.Host.Workloads;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

/// <summary>
/// The timed pass of <c>cma compare</c> (<see cref="AllocatorTiming"/>), on a fake clock whose reads and whose
/// allocator calls advance it by known amounts: the mean comes from the batches, the timer's reads are taken off,
/// percentiles come from sampled operations, and batches the OS interrupted are left out. No test reads a real time.
/// </summary>
public class AllocatorTimingTests
{
    /// <summary>Ticks one clock read costs (the fake's <c>timerCost</c>).</summary>
    private const long ReadCost = 7;

    [Fact]
    public void The_mean_is_the_batches_time_less_the_timer_reads_and_far_fewer_reads_than_operations()
    {
        var time = new FakeTime();
        string trace = Alternating(3000); // 3,000 allocations of 100 ticks, 3,000 frees of 50

        TimedReplay timed = Time(trace, time, (_, isFree) => isFree ? 50 : 100);

        Assert.Equal(6000, timed.Latency.Operations);
        Assert.Equal(75.0, timed.Latency.MeanNs, 9);                     // exact: every timer read taken off
        Assert.Equal(6 * 75e-6, timed.Latency.TotalSeconds, 12);
        Assert.Equal(6, timed.Batches);                                   // ⌈6,000 / 1,024⌉
        Assert.Equal(0, timed.Interrupted);
        Assert.InRange(timed.Latency.Samples, 6000 / AllocatorTiming.SampleEvery - 6, 6000 / AllocatorTiming.SampleEvery + 6);
        // One read opens the run, each batch takes two and one after it, each sample two: not two per operation.
        Assert.Equal(1 + 3 * timed.Batches + 2 * timed.Latency.Samples, time.Reads);
        Assert.Equal(0, timed.Failed);
    }

    [Fact]
    public void Percentiles_come_from_the_sampled_operations_without_the_timer_and_come_out_ordered()
    {
        var time = new FakeTime();
        string trace = Alternating(5000);

        // Allocations cost 10 … 1,009 ticks, frees 20.
        TimedReplay timed = Time(trace, time, (op, isFree) => isFree ? 20 : 10 + op * 37 % 1000);

        LatencySummary l = timed.Latency;
        Assert.True(l.Samples > 100);
        Assert.InRange(l.P50Ns, 10, 1009 * 1.04);
        Assert.True(l.P50Ns <= l.P99Ns, $"p50 {l.P50Ns} ≤ p99 {l.P99Ns}");
        Assert.True(l.P99Ns <= l.MaxNs, $"p99 {l.P99Ns} ≤ max {l.MaxNs}");
        Assert.InRange(l.MaxNs, 20, 1009);                                // an operation's own cost: the timer's taken off
    }

    [Fact]
    public void A_batch_the_OS_interrupted_is_left_out_of_the_mean_and_counted()
    {
        var time = new FakeTime();
        string trace = Alternating(3000);

        // Operation 2,500 (in the third batch) loses the core for 4 ms: wall time passes, processor time does not.
        TimedReplay timed = Time(trace, time, (op, isFree) => isFree ? 50 : 100, stealAtOp: 2500, stolen: 4_000_000);

        Assert.Equal(1, timed.Interrupted);
        Assert.Equal(6000 - 1024, timed.Latency.Operations);
        Assert.Equal(75.0, timed.Latency.MeanNs, 9);
        Assert.Equal((6000 * 75.0 + 4_000_000) / 6000, timed.ElapsedMeanNs, 6);
    }

    [Fact]
    public void Failed_requests_are_counted_and_their_frees_skipped_and_pins_are_not_operations()
    {
        var time = new FakeTime();
        // 64K region: c does not fit (failed, its free skipped); d is larger than the region (refused without a plugin
        // call, as the checked replay's region refuses it; its free skipped); p/u are nothing to a raw allocator.
        const string trace = "# region 64K\na a 32K\nm b 32K\np b\na c 4K\na d 128K\nu b\nf c\nf d\nf a\nf b\n";

        TimedReplay timed = Time(trace, time, (_, isFree) => isFree ? 50 : 100, regionSize: 64 << 10);

        Assert.Equal(2, timed.Failed);
        Assert.Equal(8, timed.Latency.Operations);                        // a, m, a, a, f, f, f, f
        Assert.Equal((3 * 100 + 2 * 50) / 8.0, timed.Latency.MeanNs, 9);  // c costs its call; d and the skipped frees, nothing
    }

    [Fact]
    public void Operations_of_one_cost_give_that_cost_as_every_percentile()
    {
        var time = new FakeTime();

        TimedReplay timed = Time(Alternating(5000), time, (_, _) => 100);

        LatencySummary l = timed.Latency;
        Assert.True(l.Samples > 100);
        Assert.Equal(100, l.MaxNs, 9);                                    // the timer's reads are taken off exactly
        Assert.InRange(l.P50Ns, 96, 104);                                 // within the histogram's resolution
        Assert.InRange(l.P99Ns, 96, 104);
    }

    [Fact]
    public void The_verified_replay_times_nothing_and_an_allocator_that_throws_in_the_timed_pass_gets_no_time_but_a_note()
    {
        TraceFile file = TraceFile.Open(WriteTemp("t.trace", "a a 4K\na b 4K\nf a\nf b\n"));
        TraceProfile profile = TraceProfile.Measure(file, 4096);
        var candidate = new AllocatorCandidate("second-throws", new SecondInstanceThrowsProvider());

        ReplayResult untimed = WorkloadComparison.RunOne(file, profile, new AllocatorCandidate("first-fit", new FirstFitProvider()), 1UL << 30, 1 << 20, 4096, new ReplayOptions());
        ReplayResult timed = WorkloadComparison.RunOne(file, profile, candidate, 1UL << 30, 1 << 20, 4096, new ReplayOptions { TimeAllocator = true });

        Assert.Null(untimed.Latency);
        Assert.Null(untimed.Timing);
        Assert.Null(timed.Fault);                       // the verified replay (first instance) was clean
        Assert.Equal(2, timed.Satisfied);
        Assert.Null(timed.Latency);
        Assert.Contains("second-throws threw InvalidOperationException in the timed pass", timed.TimingFault);
    }

    [Fact]
    public void A_short_trace_is_replayed_untimed_on_fresh_instances_before_the_timed_pass()
    {
        // 4 operations: the verified replay alone is far too short for tiered compilation, so untimed passes follow it
        // (each on a fresh instance) until a million operations or the warm-up time, and only then the timed pass.
        TraceFile file = TraceFile.Open(WriteTemp("t.trace", "a a 4K\na b 4K\nf a\nf b\n"));
        TraceProfile profile = TraceProfile.Measure(file, 4096);
        var provider = new CountingProvider();

        ReplayResult timed = WorkloadComparison.RunOne(file, profile, new AllocatorCandidate("counting", provider), 1UL << 30, 1 << 20, 4096,
            new ReplayOptions { TimeAllocator = true });

        Assert.NotNull(timed.Latency);
        Assert.Equal(4, timed.Latency!.Operations);  // the timed pass is one pass of the trace
        Assert.True(provider.Created > 3, $"{provider.Created} instances: the verified replay, the warm-up passes and the timed pass");
        Assert.True(provider.Created - 2 <= WorkloadComparison.WarmUpOperations / 4, "no more warm-up passes than a million operations need");
    }

    /// <summary>First fit that counts the instances it creates.</summary>
    private sealed class CountingProvider : ICmaAllocatorProvider
    {
        public int Created { get; private set; }

        public string Name => "counting";

        public string Description => "Counts its instances (test allocator).";

        public ICmaAllocator Create(CmaRegion region, Microsoft.Extensions.Configuration.IConfiguration settings)
        {
            Created++;
            return new FirstFitAllocator(region);
        }
    }

    /// <summary>First fit whose second allocator (the first untimed warm-up pass's, or the timed pass's) throws on its first
    /// allocation.</summary>
    private sealed class SecondInstanceThrowsProvider : ICmaAllocatorProvider
    {
        private int _created;

        public string Name => "second-throws";

        public string Description => "Throws in the timed pass (test allocator).";

        public ICmaAllocator Create(CmaRegion region, Microsoft.Extensions.Configuration.IConfiguration settings) =>
            ++_created == 1 ? new FirstFitAllocator(region) : new ClockedAllocator(new FirstFitAllocator(region), new FakeTime(),
                (_, _) => throw new InvalidOperationException("timed pass"), -1, 0);
    }

    /// <summary>n allocations of 4K, each freed right after.</summary>
    private static string Alternating(int n)
    {
        var text = new StringBuilder("# region 1M\n");
        for (int i = 0; i < n; i++)
            text.Append("a x").Append(i).Append(" 4K\nf x").Append(i).Append('\n');
        return text.ToString();
    }

    private static TimedReplay Time(string trace, FakeTime time, Func<long, bool, long> cost, long stealAtOp = -1, long stolen = 0,
        ulong regionSize = 1 << 20)
    {
        using var reader = new CmaTraceReader(Lines(trace), "test.trace", lenient: false);
        var region = new CmaRegion("test", 1UL << 30, regionSize, 4096);
        using var allocator = new ClockedAllocator(new FirstFitAllocator(region), time, cost, stealAtOp, stolen);
        return AllocatorTiming.Run(reader, allocator, regionSize, 4096, new FakeClock(time), ReadCost);
    }

    /// <summary>The fake time: nanosecond ticks, and the processor time, which runs with it unless time is stolen.</summary>
    private sealed class FakeTime
    {
        public long Now;
        public long Stolen;
        public long Reads;
    }

    private readonly struct FakeClock(FakeTime time) : IReplayClock
    {
        public long Frequency => 1_000_000_000;

        public long Now()
        {
            time.Reads++;
            return time.Now += ReadCost;
        }

        public TimeSpan ProcessorTime() => TimeSpan.FromTicks((time.Now - time.Stolen) / 100);
    }

    /// <summary>An allocator whose every call advances the fake time by <c>cost(operation, isFree)</c>.</summary>
    private sealed class ClockedAllocator(ICmaAllocator inner, FakeTime time, Func<long, bool, long> cost, long stealAtOp, long stolen) : ICmaAllocator
    {
        private long _op;

        public CmaAllocatorStats Stats => inner.Stats;

        public CmaAllocatorTraits Traits => inner.Traits;

        public bool TryAllocate(ulong size, ulong alignment, out ulong address)
        {
            Tick(false);
            return inner.TryAllocate(size, alignment, out address);
        }

        public void Free(ulong address, ulong size)
        {
            Tick(true);
            inner.Free(address, size);
        }

        private void Tick(bool isFree)
        {
            time.Now += cost(_op, isFree);
            if (_op++ == stealAtOp)
            {
                time.Now += stolen;
                time.Stolen += stolen;
            }
        }

        public void Dispose() => inner.Dispose();
    }
}
