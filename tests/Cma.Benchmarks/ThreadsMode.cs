using System.Diagnostics;
using System.Globalization;
using Cma.Runtime;
using Cma.Runtime.Mapping;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cma.Benchmarks;

/// <summary>
/// The <c>threads</c> mode: workload A through one host service with two regions (<c>t0=r0</c>, <c>t1=r1</c>), first one
/// thread on r0, then two threads at once, each on its own region with its own copy of the trace. With one lock per region
/// and no global lock on the hot path, two threads should do nearly twice the operations per second — on a 2-core machine
/// shared with other builds this is a sign, not a verdict. Best of 3 rounds.
/// </summary>
internal static class ThreadsMode
{
    public static int Run(string[] args)
    {
        _ = args;
        BenchTrace trace = BenchTrace.FillAndDrain(WorkloadABenchmarks.Operations, WorkloadABenchmarks.RegionSize, 0.7, 4UL << 10, 4UL << 20, false, seed: 1);
        Console.WriteLine($"load average: {MemoryMode.LoadAverage()}");
        Console.WriteLine("| allocator | 1 thread (Mops/s) | 2 threads, 2 regions (Mops/s total) | scaling |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (string name in BenchPlugins.Names)
        {
            CmaRegion r0 = BenchPlugins.Region(WorkloadABenchmarks.RegionSize, "r0", BenchPlugins.RegionStart);
            CmaRegion r1 = BenchPlugins.Region(WorkloadABenchmarks.RegionSize, "r1", BenchPlugins.RegionStart + WorkloadABenchmarks.RegionSize);
            using var service = new CmaService([BenchPlugins.OpenRegion(name, r0), BenchPlugins.OpenRegion(name, r1)],
                new DeviceMap([new MapRule([new MapPattern("t0", null)], ["r0"]), new MapRule([new MapPattern("t1", null)], ["r1"])]), NullLogger.Instance);
            var slots0 = new ChunkSlot[trace.SlotCount];
            var slots1 = new ChunkSlot[trace.SlotCount];
            TraceReplay.Host(service, trace.Steps, slots0, "t0"); // warm up (JIT, pools)
            TraceReplay.Host(service, trace.Steps, slots1, "t1");
            double one = 0, two = 0;
            for (int round = 0; round < 3; round++)
            {
                long started = Stopwatch.GetTimestamp();
                TraceReplay.Host(service, trace.Steps, slots0, "t0");
                one = Math.Max(one, trace.Steps.Length / Stopwatch.GetElapsedTime(started).TotalSeconds);
                started = Stopwatch.GetTimestamp();
                var second = new Thread(() => TraceReplay.Host(service, trace.Steps, slots1, "t1"));
                second.Start();
                TraceReplay.Host(service, trace.Steps, slots0, "t0");
                second.Join();
                two = Math.Max(two, 2 * trace.Steps.Length / Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {one / 1e6:F2} | {two / 1e6:F2} | {two / one:F2}× |"));
        }
        Console.WriteLine($"load average: {MemoryMode.LoadAverage()}; cores: {Environment.ProcessorCount}");
        return 0;
    }
}
