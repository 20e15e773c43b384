using System.Diagnostics;
using Cma.Runtime.Regions;
using Cma.Host.Tests.Api;
using Xunit.Abstractions;

namespace Cma.Host.Tests.Concurrency;

/// <summary>
/// 8 threads hammer the host API with random allocations and frees against three shared regions (one per
/// first-party allocator) and one private region each. Every chunk handed out is claimed in a shared
/// <see cref="IntervalClaims"/> that rejects an overlap at once; a thread drops its claim before it frees the chunk.
/// At the end everything is freed and every region must be active, empty and as free as it started.
/// CI runs a bounded number of operations; <c>CMA_SOAK_SECONDS</c> turns the soak test into a timed run.
/// </summary>
[Collection("Stress")]
public class ConcurrentStressTests(ITestOutputHelper output)
{
    private const int Threads = 8;

    /// <summary>The environment variable that sets the soak run's length in seconds (unset: the soak test runs 2 s).</summary>
    private const string SoakVariable = "CMA_SOAK_SECONDS";

    [Fact]
    public void Eight_threads_never_get_overlapping_chunks_and_every_byte_comes_back()
    {
        const long PerThread = 40_000;

        // A fixed amount of work; the deadline only stops a hung run (a deadlock), it is not a speed requirement.
        StressReport report = Run(operationsPerThread: PerThread, TimeSpan.FromMinutes(5), seed: 20_240_601);

        Assert.Null(report.Overlap);
        Assert.Equal(0, report.UnexpectedOutcomes);
        Assert.Equal(Threads * PerThread, report.Operations);
    }

    [Fact]
    [Trait("Category", "Soak")]
    public void Soak_for_CMA_SOAK_SECONDS_without_an_overlap_or_a_lost_byte()
    {
        int seconds = int.TryParse(Environment.GetEnvironmentVariable(SoakVariable), out int s) && s > 0 ? s : 2;

        StressReport report = Run(operationsPerThread: long.MaxValue, TimeSpan.FromSeconds(seconds), seed: Environment.TickCount);

        Assert.Null(report.Overlap);
        Assert.Equal(0, report.UnexpectedOutcomes);
    }

    private StressReport Run(long operationsPerThread, TimeSpan budget, int seed)
    {
        string[] allocators = ["best-fit", "bitmap", "buddy"];
        string regions = "[ " + string.Join(", ", Enumerable.Range(0, 3).Select(i => TestHost.Region("s" + i, allocators[i], "64M"))
            .Concat(Enumerable.Range(0, Threads).Select(t => TestHost.Region("p" + t, allocators[t % 3], "16M")))) + " ]";
        string map = """[ "shared=s0,s1,s2", "*=s2,s1,s0" ]""";
        using TestHost host = TestHost.Start(regions, map);
        Dictionary<string, ulong> freeAtStart = host.Service.GetRegions().ToDictionary(r => r.Name, r => r.FreeBytes);
        var claims = new IntervalClaims();
        var workers = new StressWorker[Threads];
        var clock = Stopwatch.StartNew();
        long deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        Thread[] threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            workers[t] = new StressWorker(host.Service, claims, "p" + t, seed + t, operationsPerThread, deadline);
            threads[t] = new Thread(workers[t].Run) { IsBackground = true, Name = "stress-" + t };
            threads[t].Start();
        }
        foreach (Thread thread in threads)
            thread.Join();
        clock.Stop();
        foreach (StressWorker worker in workers)
            worker.FreeAll();

        long operations = workers.Sum(w => w.Operations);
        output.WriteLine($"seed {seed}: {operations:N0} operations by {Threads} threads in {clock.Elapsed.TotalSeconds:F1} s "
            + $"({operations / clock.Elapsed.TotalSeconds:N0}/s); {claims.Claimed:N0} chunks claimed; "
            + $"{workers.Sum(w => w.NoSpace):N0} no-space outcomes; peak live per thread {workers.Max(w => w.PeakLive)}");
        foreach (CmaRegionSnapshot r in host.Service.GetRegions())
        {
            Assert.Equal((r.Name, RegionState.Active, 0L, freeAtStart[r.Name]), (r.Name, r.State, r.Chunks, r.FreeBytes));
            Assert.Equal(0, r.Faults);
        }
        Assert.Equal(0, claims.Count);
        return new StressReport(operations, workers.Select(w => w.Overlap).FirstOrDefault(o => o is not null), workers.Sum(w => w.UnexpectedOutcomes));
    }

    private sealed record StressReport(long Operations, string? Overlap, long UnexpectedOutcomes);
}
