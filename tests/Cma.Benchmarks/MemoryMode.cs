using System.Diagnostics;
using System.Globalization;
using Cma.Runtime;

namespace Cma.Benchmarks;

/// <summary>
/// The <c>memory</c> mode: managed bytes each allocator, and the host's registry, keep per live chunk — workload B filled
/// to 1M live chunks (4–64 KiB on 64 GiB) — and workload C: 10M live one-granule chunks on a 64 GiB region, with the
/// bytes kept and the process's peak working set. Bytes are <see cref="GC.GetTotalMemory(bool)"/> deltas after a full
/// collection, with the trace and slot arrays allocated beforehand so that only the allocator's metadata is counted;
/// the allocator's empty footprint (e.g. a bitmap sized by the region) is reported apart from the per-chunk figure.
/// Arguments: <c>--skip-c</c> leaves out workload C; <c>--c-chunks N</c> changes its live count.
/// </summary>
internal static class MemoryMode
{
    public static int Run(string[] args)
    {
        int cChunks = 10_000_000;
        for (int i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--c-chunks")
                cChunks = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        }
        Console.WriteLine($"load average: {LoadAverage()}");
        Console.WriteLine("(B: filled to 1M live chunks, then 1M steady free/allocate pairs; C: filled to 10M one-granule chunks)");
        Console.WriteLine("| workload | allocator | path | live chunks | empty footprint | bytes kept at level | bytes per live chunk | fill time |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|");
        BenchTrace b = BenchTrace.FillToCount(1_000_000, 4UL << 10, 64UL << 10, seed: 2, out int[] liveSlots, out _);
        BenchTrace steady = BenchTrace.Steady(liveSlots, b.SlotCount, 1_000_000, 4UL << 10, 64UL << 10, seed: 3);
        foreach (string name in BenchPlugins.Names)
        {
            Measure("B", name, "raw", b, 1_000_000, WorkloadBBenchmarks.RegionSize, steady);
            Measure("B", name, "host", b, 1_000_000, WorkloadBBenchmarks.RegionSize, steady);
        }
        if (Array.IndexOf(args, "--skip-c") < 0)
        {
            BenchTrace c = BenchTrace.FillToCount(cChunks, 4096, 4096, seed: 4, out int[] _, out _);
            foreach (string name in BenchPlugins.Names)
            {
                Measure("C", name, "raw", c, cChunks, WorkloadBBenchmarks.RegionSize);
                Measure("C", name, "host", c, cChunks, WorkloadBBenchmarks.RegionSize);
            }
        }
        Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB; load average: {LoadAverage()}");
        return 0;
    }

    /// <summary>Fills a fresh allocator (raw, or through a one-region host) with <paramref name="fill"/>, then replays
    /// <paramref name="steady"/> (1M free/allocate pairs at that level, so that the free space is as fragmented as in
    /// steady state) if given, and prints one row. For the host path the row's bytes are the plugin's plus the host's;
    /// the host's own share is the difference.</summary>
    private static void Measure(string workload, string allocator, string path, BenchTrace fill, int live, ulong regionSize, BenchTrace? steady = null)
    {
        var slots = new ChunkSlot[fill.SlotCount];
        long before = Settle();
        ICmaAllocator? raw = path == "raw" ? BenchPlugins.CreateRaw(allocator, regionSize) : null;
        CmaService? host = raw is null ? BenchPlugins.CreateHost(allocator, regionSize) : null;
        long empty = Settle() - before;
        long started = Stopwatch.GetTimestamp();
        int failed = raw is not null ? TraceReplay.Raw(raw, fill.Steps, slots) : TraceReplay.Host(host!, fill.Steps, slots);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (steady is not null)
            failed += raw is not null ? TraceReplay.Raw(raw, steady.Steps, slots) : TraceReplay.Host(host!, steady.Steps, slots);
        long full = Settle() - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {workload} | {allocator} | {path} | {live - failed:N0} | {Mib(empty)} | {Mib(full)} | {(double)(full - empty) / live:F1} | {seconds:F1} s |"));
        GC.KeepAlive(slots);
        raw?.Dispose();
        host?.Dispose();
    }

    /// <summary>Managed heap bytes after a full, compacting collection.</summary>
    private static long Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB");

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The 1-minute load average (Linux), or "?".</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
