using BenchmarkDotNet.Attributes;
using Cma.Runtime;

namespace Cma.Benchmarks;

/// <summary>
/// Workload B: many chunks. Sizes log-uniform 4–64 KiB on a 64 GiB region, filled (in setup, not measured) to 1K, 100K
/// or 1M live chunks, then steady allocate/free at that level: each measured pair frees a uniformly chosen live chunk
/// and allocates a fresh size in its place. The figure is per operation (a free or an allocate).
/// </summary>
[Config(typeof(ShortJobConfig))]
[MemoryDiagnoser]
public class WorkloadBBenchmarks
{
    /// <summary>Operations per invocation: 1M free/allocate pairs. As long as the largest level, so that one invocation
    /// frees about 63 % of even 1M live chunks: replaying a shorter trace again and again would free the same few chunks
    /// (those slots) over and over, keep their part of every structure in cache, and so understate the 1M case.</summary>
    public const int Operations = 2_000_000;

    /// <summary>Workload B's region.</summary>
    public const ulong RegionSize = 64UL << 30;

    /// <summary>The steady free/allocate trace over the filled slots.</summary>
    private BenchTrace _steady = null!;

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

    /// <summary>The live-chunk levels the steady phase runs at.</summary>
    public static IEnumerable<int> Levels => [1_000, 100_000, 1_000_000];

    [ParamsSource(nameof(Levels))]
    public int LiveChunks { get; set; }

    [ParamsSource(nameof(Paths))]
    public string Path { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        BenchTrace fill = BenchTrace.FillToCount(LiveChunks, 4UL << 10, 64UL << 10, seed: 2, out int[] liveSlots, out _);
        _steady = BenchTrace.Steady(liveSlots, fill.SlotCount, Operations / 2, 4UL << 10, 64UL << 10, seed: 3);
        _slots = new ChunkSlot[fill.SlotCount];
        int failed;
        if (Path == "raw")
        {
            _allocator = BenchPlugins.CreateRaw(Allocator, RegionSize);
            failed = TraceReplay.Raw(_allocator, fill.Steps, _slots);
        }
        else
        {
            _service = BenchPlugins.CreateHost(Allocator, RegionSize);
            failed = TraceReplay.Host(_service, fill.Steps, _slots);
        }
        if (failed != 0)
            throw new InvalidOperationException($"{Allocator} failed {failed} allocations while filling workload B to {LiveChunks} chunks.");
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int Replay() => _allocator is not null
        ? TraceReplay.Raw(_allocator, _steady.Steps, _slots)
        : TraceReplay.Host(_service!, _steady.Steps, _slots);

    [GlobalCleanup]
    public void Cleanup()
    {
        _allocator?.Dispose();
        _service?.Dispose();
    }
}
