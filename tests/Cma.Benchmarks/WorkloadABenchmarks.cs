using BenchmarkDotNet.Attributes;
using Cma.Runtime;

namespace Cma.Benchmarks;

/// <summary>
/// Workload A: a 4 GiB region, 1M operations, sizes log-uniform 4 KiB–4 MiB, 70 % live (about 5,000 live chunks);
/// A-mix the same with alignments 4K/64K/1M at 70/20/10 %. One invocation replays the whole trace (it ends by freeing
/// what is live, so the next invocation starts from an empty allocator); the figure is per operation.
/// </summary>
[Config(typeof(ShortJobConfig))]
[MemoryDiagnoser]
public class WorkloadABenchmarks
{
    /// <summary>Operations in one replay of the trace.</summary>
    public const int Operations = 1_000_000;

    /// <summary>Workload A's region.</summary>
    public const ulong RegionSize = 4UL << 30;

    /// <summary>The trace, with granule alignment or mixed.</summary>
    private BenchTrace _trace = null!;

    /// <summary>Per trace slot, what it holds now.</summary>
    private ChunkSlot[] _slots = null!;

    /// <summary>The raw allocator (when <see cref="Path"/> is raw).</summary>
    private ICmaAllocator? _allocator;

    /// <summary>The host service (when <see cref="Path"/> is host).</summary>
    private CmaService? _service;

    /// <summary>The allocators measured: every first-party plugin.</summary>
    public static IEnumerable<string> Allocators => BenchPlugins.Names;

    /// <summary>The two paths: the plugin called directly, and through the host service.</summary>
    public static IEnumerable<string> Paths => BenchPlugins.Paths;

    [ParamsSource(nameof(Allocators))]
    public string Allocator { get; set; } = "";

    /// <summary>Workload A with granule alignment, and A-mix.</summary>
    public static IEnumerable<string> Workloads => ["A", "A-mix"];

    [ParamsSource(nameof(Workloads))]
    public string Workload { get; set; } = "";

    [ParamsSource(nameof(Paths))]
    public string Path { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _trace = BenchTrace.FillAndDrain(Operations, RegionSize, 0.7, 4UL << 10, 4UL << 20, Workload == "A-mix", seed: 1);
        _slots = new ChunkSlot[_trace.SlotCount];
        if (Path == "raw")
            _allocator = BenchPlugins.CreateRaw(Allocator, RegionSize);
        else
            _service = BenchPlugins.CreateHost(Allocator, RegionSize);
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int Replay() => _allocator is not null
        ? TraceReplay.Raw(_allocator, _trace.Steps, _slots)
        : TraceReplay.Host(_service!, _trace.Steps, _slots);

    [GlobalCleanup]
    public void Cleanup()
    {
        _allocator?.Dispose();
        _service?.Dispose();
    }
}
