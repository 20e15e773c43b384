using System.Diagnostics;
using System.Globalization;

namespace Cma.Benchmarks;

/// <summary>
/// The <c>trace</c> mode: replays a trace file (the peer harness's format, <c>/work/shared/tools/gen_trace.py</c>:
/// <c># region N</c>, then <c>a id size align</c> and <c>f id</c>, ids dense and never reused) against each named raw
/// allocator. The file is parsed first; each allocator then gets untimed warm-up replays (at least 2 and at least a
/// second's worth, so that tiered compilation has moved its hot methods to their optimised tier) and 5 timed ones, each
/// on a fresh allocator over a region of the file's size at
/// <see cref="BenchPlugins.RegionStart"/>. Prints the median, fastest and slowest ns per operation (allocate or free)
/// of elapsed time, the median of the process's CPU time per operation (on a shared machine the elapsed time also
/// counts the time other processes held the core), and the failed allocations (the free of a failed allocation is
/// skipped, as in every replay loop), then the first replay (the first untimed one, timed from after the allocator's
/// creation) and every untimed replay, to see how many replays tiered compilation takes to settle. E.g. <c>trace /tmp/main.trace tlsf best-fit buddy</c>.
/// <c>--host</c> also replays each allocator through a one-region host service (<see cref="TraceReplay.Host"/>);
/// <c>--layers</c> adds the host path piece by piece between the two (<see cref="TraceLayers"/>).
/// </summary>
internal static class TraceFileMode
{
    /// <summary>Timed replays per allocator.</summary>
    private const int TimedRuns = 5;

    /// <summary>The fewest untimed replays per allocator before the timed ones.</summary>
    private const int WarmUpRuns = 2;

    /// <summary>The least time the untimed replays last.</summary>
    private static readonly TimeSpan s_warmUpTime = TimeSpan.FromSeconds(1);

    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: trace <file> [--host | --layers] <allocator>...   e.g. trace /tmp/main.trace --host tlsf best-fit buddy");
            return 2;
        }
        bool layers = args.Contains("--layers");
        bool host = layers || args.Contains("--host");
        string[] allocators = [.. args[1..].Where(a => !a.StartsWith("--", StringComparison.Ordinal))];
        (TraceStep[] steps, int slotCount, ulong regionSize) = Parse(args[0]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{args[0]}: {steps.Length} operations, region {regionSize >> 20} MiB; load {MemoryMode.LoadAverage()}"));
        var slots = new ChunkSlot[slotCount];
        foreach (string allocator in allocators)
        {
            Measure(allocator, "raw", steps, () =>
            {
                Array.Clear(slots);
                using ICmaAllocator raw = BenchPlugins.CreateRaw(allocator, regionSize);
                return Time(() => TraceReplay.Raw(raw, steps, slots), steps.Length);
            });
            for (int layer = 0; layers && layer < TraceLayers.Names.Length; layer++)
            {
                int at = layer;
                Measure(allocator, TraceLayers.Names[layer], steps, () => TraceLayers.Run(at, allocator, regionSize, steps, slots, Time));
            }
            if (host)
            {
                Measure(allocator, "host", steps, () =>
                {
                    Array.Clear(slots);
                    using CmaService service = BenchPlugins.CreateHost(allocator, regionSize);
                    return Time(() => TraceReplay.Host(service, steps, slots), steps.Length);
                });
            }
        }
        Console.WriteLine($"  (load {MemoryMode.LoadAverage()} after)");
        return 0;
    }

    /// <summary>One allocator on one path: untimed warm-up replays, then <see cref="TimedRuns"/> timed ones, each made
    /// by <paramref name="replay"/> (a fresh allocator or host; returns elapsed and CPU ns per operation and the failed
    /// allocations); prints the line of figures and the line of warm-up replays.</summary>
    private static void Measure(string allocator, string path, TraceStep[] steps, Func<(double Ns, double Cpu, int Failed)> replay)
    {
        var times = new double[TimedRuns];
        var cpuTimes = new double[TimedRuns];
        int failed = 0;
        var warmUpTimes = new List<double>();
        long warming = Stopwatch.GetTimestamp();
        for (int warmUps = 0; warmUps < WarmUpRuns || Stopwatch.GetElapsedTime(warming) < s_warmUpTime; warmUps++)
            warmUpTimes.Add(replay().Ns);
        for (int run = 0; run < TimedRuns; run++)
            (times[run], cpuTimes[run], failed) = replay();
        Array.Sort(times);
        Array.Sort(cpuTimes);
        string name = $"{allocator} {path}";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-14}: median {times[TimedRuns / 2]:F1} ns/op (fastest {times[0]:F1}, slowest {times[^1]:F1}); CPU time median {cpuTimes[TimedRuns / 2]:F1} ns/op; failed allocations {failed}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-14}: first replay {warmUpTimes[0]:F1} ns/op ({warmUpTimes[0] / times[TimedRuns / 2]:F2}x the median); untimed replays: {string.Join(' ', warmUpTimes.Select(t => t.ToString("F1", CultureInfo.InvariantCulture)))}"));
    }

    /// <summary>Times one replay (elapsed and this process's CPU time, per operation of <paramref name="steps"/>).</summary>
    private static (double Ns, double Cpu, int Failed) Time(Func<int> replay, int operations)
    {
        TimeSpan cpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
        long started = Stopwatch.GetTimestamp();
        int failed = replay();
        double ns = Stopwatch.GetElapsedTime(started).TotalNanoseconds / operations;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStarted).TotalNanoseconds / operations;
        return (ns, cpu, failed);
    }

    /// <summary>Reads a trace file into steps whose slots are the file's ids.</summary>
    internal static (TraceStep[] Steps, int SlotCount, ulong RegionSize) Parse(string path)
    {
        var steps = new List<TraceStep>(1 << 20);
        var sizes = new List<ulong>(1 << 19);
        ulong regionSize = 0;
        foreach (string line in File.ReadLines(path))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0)
                continue;
            if (f[0] == "#")
            {
                if (f.Length == 3 && f[1] == "region")
                    regionSize = ulong.Parse(f[2], CultureInfo.InvariantCulture);
                continue;
            }
            int id = int.Parse(f[1], CultureInfo.InvariantCulture);
            if (f[0] == "a")
            {
                if (id != sizes.Count)
                    throw new FormatException($"{path}: allocation ids must be dense and in order; found {id} after {sizes.Count - 1}.");
                ulong size = ulong.Parse(f[2], CultureInfo.InvariantCulture);
                sizes.Add(size);
                steps.Add(new TraceStep(id, size, ulong.Parse(f[3], CultureInfo.InvariantCulture)));
            }
            else
            {
                steps.Add(new TraceStep(id, sizes[id], 0));
            }
        }
        if (regionSize == 0)
            throw new FormatException($"{path}: no '# region <bytes>' line.");
        return ([.. steps], sizes.Count, regionSize);
    }
}
