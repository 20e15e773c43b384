using System.Diagnostics;
using System.Globalization;

namespace Cma.Benchmarks;

/// <summary>
/// <c>reusable quick</c>: the reusable-region cases timed with a stopwatch, <b>interleaved</b> (round-robin over the cases,
/// one sample each per round), so that a change in the machine's load hits every case alike — the BenchmarkDotNet runs
/// measure the cases one after the other, which on a shared, loaded machine puts load drift into the differences.
/// Prints, per case, the minimum and median of the samples, and for the allocate+free pairs the bytes allocated per
/// pair (<see cref="GC.GetAllocatedBytesForCurrentThread"/>). The migration rounds alternate: odd rounds time the
/// migration, even rounds time the same copies done bare inside the region (<see cref="MigrationBenchmarks.CopyInRegion"/>),
/// each after a fresh placement of the movable chunks. Arguments: rounds (default 30).
/// </summary>
internal static class ReusableQuickMode
{
    public static int Run(string[] args)
    {
        // At least 2: the migration alternates rounds that time the host's move with rounds that time the bare copy.
        int rounds = Math.Max(2, args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30);
        Console.WriteLine($"load: {MemoryMode.LoadAverage()}");
        Pairs(rounds);
        Migration(rounds);
        Console.WriteLine($"load: {MemoryMode.LoadAverage()}");
        return 0;
    }

    private static void Pairs(int rounds)
    {
        const int pairsPerSample = 200_000;
        foreach (ulong size in new[] { 64UL << 10, 1UL << 20 })
        {
            var cases = ReusableAllocBenchmarks.Cases.Select(c => new ReusableAllocBenchmarks { Region = c, Size = size }).ToArray();
            foreach (ReusableAllocBenchmarks b in cases)
                b.Setup();
            var samples = cases.Select(_ => new List<double>()).ToArray();
            var allocated = new long[cases.Length];
            for (int warm = 0; warm < 3; warm++)
                foreach (ReusableAllocBenchmarks b in cases)
                    Loop(b, pairsPerSample);
            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < cases.Length; i++)
                {
                    long bytes = GC.GetAllocatedBytesForCurrentThread();
                    var sw = Stopwatch.StartNew();
                    Loop(cases[i], pairsPerSample);
                    sw.Stop();
                    allocated[i] += GC.GetAllocatedBytesForCurrentThread() - bytes;
                    samples[i].Add(sw.Elapsed.TotalNanoseconds / pairsPerSample);
                }
            }
            Console.WriteLine($"allocate+free pair, {size / 1024} KiB, {rounds} interleaved samples of {pairsPerSample} pairs:");
            for (int i = 0; i < cases.Length; i++)
                Console.WriteLine($"  {cases[i].Region,-24} min {samples[i].Min(),7:F1} ns  median {MemoryMode.Median(samples[i]),7:F1} ns  alloc {allocated[i] / ((double)rounds * pairsPerSample),6:F0} B/pair");
            foreach (ReusableAllocBenchmarks b in cases)
                b.Cleanup();
        }
    }

    private static void Loop(ReusableAllocBenchmarks b, int pairs)
    {
        for (int i = 0; i < pairs; i++)
            b.AllocateFree();
    }

    private static void Migration(int rounds)
    {
        var b = new MigrationBenchmarks();
        b.Setup();
        var host = new List<double>();
        var memmove = new List<double>();
        var perChunk = new List<double>();
        var noBytes = new List<double>();
        var inRegion = new List<double>();
        for (int r = -3; r < rounds; r++)
        {
            // Even rounds also time the bare copy inside the region first (the migration then runs untimed).
            bool copyRound = (r & 1) == 0;
            b.PlaceMovables();
            long c0 = Stopwatch.GetTimestamp();
            if (copyRound)
                b.CopyInRegion();
            long c1 = Stopwatch.GetTimestamp();
            long t0 = Stopwatch.GetTimestamp();
            b.Migrate();
            long t1 = Stopwatch.GetTimestamp();
            b.Release();
            long t2 = Stopwatch.GetTimestamp();
            b.Memmove();
            long t3 = Stopwatch.GetTimestamp();
            b.MemmovePerChunk();
            long t4 = Stopwatch.GetTimestamp();
            b.PlaceAddressOnly();
            long t5 = Stopwatch.GetTimestamp();
            b.MigrateNoBytes();
            long t6 = Stopwatch.GetTimestamp();
            b.ReleaseAddressOnly();
            if (r < 0)
                continue;
            if (copyRound)
                inRegion.Add(Stopwatch.GetElapsedTime(c0, c1).TotalMilliseconds);
            else
                host.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            memmove.Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
            perChunk.Add(Stopwatch.GetElapsedTime(t3, t4).TotalMilliseconds);
            noBytes.Add(Stopwatch.GetElapsedTime(t5, t6).TotalMilliseconds);
        }
        b.Cleanup();
        Console.WriteLine($"64 MiB in {MigrationBenchmarks.ChunkSizes.Length} movable chunks, {rounds} interleaved rounds:");
        Console.WriteLine($"  migrate (host)           min {host.Min(),6:F2} ms  median {MemoryMode.Median(host),6:F2} ms");
        Console.WriteLine($"  Buffer.MemoryCopy 64 MiB min {memmove.Min(),6:F2} ms  median {MemoryMode.Median(memmove),6:F2} ms");
        Console.WriteLine($"  MemoryCopy per chunk     min {perChunk.Min(),6:F2} ms  median {MemoryMode.Median(perChunk),6:F2} ms");
        Console.WriteLine($"  same copies in the region min {inRegion.Min(),6:F2} ms  median {MemoryMode.Median(inRegion),6:F2} ms  (pinned chunk → +64 MiB, no host)");
        Console.WriteLine($"  migrate, no bytes (None) min {noBytes.Min(),6:F2} ms  median {MemoryMode.Median(noBytes),6:F2} ms  ({noBytes.Min() * 1e6 / MigrationBenchmarks.ChunkSizes.Length:F0} ns per chunk at the minimum)");
        var ratios = host.Zip(memmove.Where((_, i) => (i & 1) == 1), (h, m) => h / m).ToList();
        Console.WriteLine($"  ratio migrate/memmove: of minima {host.Min() / memmove.Min():F2}, of medians {MemoryMode.Median(host) / MemoryMode.Median(memmove):F2}, per-round median {MemoryMode.Median(ratios):F2}");
    }
}
