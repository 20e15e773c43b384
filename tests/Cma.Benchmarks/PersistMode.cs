using System.Diagnostics;

namespace Cma.Benchmarks;

/// <summary>
/// <c>persist bdn</c> runs <see cref="PersistBenchmarks"/> (BenchmarkDotNet) instead. <c>persist [rounds]</c>: what <c>Persist: true</c> costs per allocate and per free through the host, against the same
/// File region without it, for both flush policies; then the time to reopen a persisted region holding a million chunks
/// (journal replay + exact placement of every chunk + the stats check); <c>persist [rounds] [chunks]</c>, default 1M. Interleaved rounds, medians: the machine is
/// shared, so each round measures the three cases back to back.
/// </summary>
internal static class PersistMode
{
    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "bdn")
        {
            BenchmarkDotNet.Running.BenchmarkRunner.Run<PersistBenchmarks>(args: args[1..]);
            return 0;
        }
        int rounds = args.Length > 0 ? int.Parse(args[0]) : 7;
        int chunks = args.Length > 1 ? int.Parse(args[1]) : 1_000_000;
        string dir = Path.Combine(Path.GetTempPath(), "cma-persist-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Console.WriteLine($"load: {MemoryMode.LoadAverage()}");
            (string Name, string Extra, int Pairs)[] cases = [("File, no Persist", "", 20_000), ("Persist, Os", "\"Persist\": true", 20_000), ("Persist, EachChange", "\"Persist\": true, \"PersistFlush\": \"EachChange\"", 100)];
            var samples = cases.Select(_ => new List<double>()).ToArray();
            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < cases.Length; i++)
                    samples[i].Add(PairCost(dir, $"case{i}", cases[i].Extra, cases[i].Pairs));
            }
            for (int i = 0; i < cases.Length; i++)
                Console.WriteLine($"  {cases[i].Name,-22} allocate+free pair: min {samples[i].Min(),10:F0} ns  median {MemoryMode.Median(samples[i]),10:F0} ns");
            var reopen = new List<double>();
            Fill(dir, chunks);
            for (int r = 0; r < Math.Max(3, rounds / 2); r++)
            {
                var clock = Stopwatch.StartNew();
                using (CmaService service = ReusableHost.Create(Region(dir, "reopen", ReopenSize(chunks), "\"Persist\": true")))
                {
                    clock.Stop();
                    if (service.GetRegion("reopen").Chunks != chunks)
                        throw new InvalidOperationException("the reopened region lost chunks");
                }
                reopen.Add(clock.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine($"  reopen with {chunks:N0} persisted chunks (host built, journal replayed, chunks placed): min {reopen.Min():F0} ms  median {MemoryMode.Median(reopen):F0} ms");
            Console.WriteLine($"load: {MemoryMode.LoadAverage()}");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>ns per allocate+free pair of a 64 KiB chunk in a fresh 64 MiB File region with <paramref name="extra"/> keys.</summary>
    private static double PairCost(string dir, string name, string extra, int pairs)
    {
        foreach (string stale in Directory.GetFiles(dir, name + ".bin*"))
            File.Delete(stale);
        using CmaService service = ReusableHost.Create(Region(dir, name, "64M", extra));
        for (int i = 0; i < 100; i++)   // warm up
            service.Free(Allocate(service, name));
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < pairs; i++)
            service.Free(Allocate(service, name));
        return clock.Elapsed.TotalNanoseconds / pairs;
    }

    /// <summary>A region size that holds <paramref name="chunks"/> 4 KiB chunks (a sparse file: nothing is written).</summary>
    private static string ReopenSize(int chunks) => $"{Math.Max(1, ((long)chunks * 4096 + (1 << 30) - 1) >> 30)}G";

    /// <summary>Persists a region holding <paramref name="chunks"/> 4 KiB chunks (closed cleanly).</summary>
    private static void Fill(string dir, int chunks)
    {
        using CmaService service = ReusableHost.Create(Region(dir, "reopen", ReopenSize(chunks), "\"Persist\": true"));
        for (int i = 0; i < chunks; i++)
        {
            if (service.TryAllocateFrom("reopen", 4096, 0, out _) != CmaOutcome.Ok)
                throw new InvalidOperationException("fill failed");
        }
    }

    private static ulong Allocate(CmaService service, string region) =>
        service.TryAllocateFrom(region, 64 * 1024, 0, out CmaChunk chunk) == CmaOutcome.Ok ? chunk.Address : throw new InvalidOperationException("allocation failed");

    private static string Region(string dir, string name, string size, string extra) =>
        $$"""[ { "Name": "{{name}}", "Size": "{{size}}", "Allocator": "best-fit", "Backing": "File", "BackingPath": "{{Path.Combine(dir, name + ".bin")}}"{{(extra.Length == 0 ? "" : ", " + extra)}} } ]""";
}
