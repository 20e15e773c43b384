using System.Diagnostics;
using System.Globalization;

namespace Cma.Benchmarks;

/// <summary>
/// The <c>quick</c> mode: one benchmark case timed with a stopwatch (best of 5 samples of about 100 ms each, after a warm-up of at least a second), for fast
/// iteration while optimising; the published figures come from BenchmarkDotNet. Arguments: workload (A, A-mix, B-1K,
/// B-100K, B-1M), allocator, path (raw or host); e.g. <c>quick B-1M best-fit host</c>.
/// </summary>
internal static class QuickMode
{
    public static int Run(string[] args)
    {
        if (args.Length == 4 && args[3] == "--no-prefetch")
        {
            TraceReplay.PrefetchSlots = false;
            args = args[..3];
        }
        if (args.Length != 3)
        {
            Console.Error.WriteLine("usage: quick <A|A-mix|B-1K|B-100K|B-1M> <best-fit|bitmap|buddy|tlsf|floor> <raw|host> [--no-prefetch]");
            return 2;
        }
        string workload = args[0];
        Func<int> replay;
        int operations;
        if (workload.StartsWith('B'))
        {
            var b = new WorkloadBBenchmarks { Allocator = args[1], Path = args[2], LiveChunks = workload switch { "B-1K" => 1_000, "B-100K" => 100_000, _ => 1_000_000 } };
            b.Setup();
            replay = b.Replay;
            operations = WorkloadBBenchmarks.Operations;
        }
        else
        {
            var a = new WorkloadABenchmarks { Allocator = args[1], Path = args[2], Workload = workload };
            a.Setup();
            replay = a.Replay;
            operations = WorkloadABenchmarks.Operations;
        }
        // Warm up for a second at least, so that tiered compilation has moved the hot methods to their optimised tier
        // (a short B replay takes a few milliseconds: a single warm-up replay would measure tier-0 code).
        long warming = Stopwatch.GetTimestamp();
        int warmups = 0;
        while (warmups < 2 || Stopwatch.GetElapsedTime(warming).TotalSeconds < 1)
        {
            replay();
            warmups++;
        }
        // Each sample replays often enough to last about 100 ms.
        int perSample = Math.Max(1, (int)Math.Ceiling(0.1 / (Stopwatch.GetElapsedTime(warming).TotalSeconds / warmups)));
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long started = Stopwatch.GetTimestamp();
            for (int r = 0; r < perSample; r++)
                replay();
            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalNanoseconds / ((double)operations * perSample));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workload} {args[1]} {args[2]}{(TraceReplay.PrefetchSlots ? "" : " (no prefetch)")}: {best:F1} ns/op (best of 5; load {MemoryMode.LoadAverage()})"));
        return 0;
    }
}
