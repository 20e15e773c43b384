using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Cma.Benchmarks;

/// <summary>The job of the per-pair comparisons (reusable regions, persistence): one launch, 3 warm-up and 10
/// measured iterations, in process (so that every case of a class runs side by side in one run), with the median.</summary>
public sealed class InProcessPairConfig : ManualConfig
{
    public InProcessPairConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10)
            .WithToolchain(InProcessEmitToolchain.Instance).WithId("pair"));
        AddColumn(StatisticColumn.Median);
        WithOptions(ConfigOptions.JoinSummary);
    }
}
