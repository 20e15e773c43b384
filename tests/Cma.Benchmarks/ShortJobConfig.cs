using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Cma.Benchmarks;

/// <summary>
/// The suite's job: one launch, 3 warm-up and 5 measured iterations, in process (no per-benchmark project build, so
/// the whole suite runs in minutes on 2 shared cores). Each invocation replays a whole trace (≥ 200K operations), so
/// one invocation per iteration already measures milliseconds.
/// </summary>
public sealed class ShortJobConfig : ManualConfig
{
    public ShortJobConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(5)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("short"));
        AddColumn(StatisticColumn.Median);
        WithOptions(ConfigOptions.JoinSummary);
    }
}
