using System.CommandLine;
using Cma.Host.Workloads.Generation;

namespace Cma.Host.Cli;

/// <summary>The options of <c>cma trace generate</c>.</summary>
internal sealed class TraceGenerateOptions
{
    public Option<string> Profile { get; } = new("--profile") { Description = "camera, video, gfx-mixed, log-uniform, devices (the bundled workload), or reusable (movable page cache and contiguous bursts).", Required = true, HelpName = "NAME" };

    public Option<long> Ops { get; } = new("--ops")
    {
        Description = $"Operations to write (default 10000, at most {TraceGenerator.MaxOperations:N0}).", DefaultValueFactory = _ => 10_000, HelpName = "N",
    };

    public Option<int> Seed { get; } = new("--seed") { Description = "Random seed; the same seed writes the same trace (default 1).", DefaultValueFactory = _ => 1, HelpName = "S" };

    public Option<string?> RegionSize { get; } = new("--region-size") { Description = "The region the trace is made for (default: the profile's).", HelpName = "SIZE" };

    public Option<string?> Min { get; } = new("--min") { Description = "log-uniform: the smallest request (default 4K).", HelpName = "SIZE" };

    public Option<string?> Max { get; } = new("--max") { Description = "log-uniform: the largest request (default 4M).", HelpName = "SIZE" };

    public Option<double?> Fill { get; } = new("--fill") { Description = "log-uniform: the fraction of the region live bytes hover around (default 0.7).", HelpName = "F" };

    public Option<string?> Align { get; } = new("--align") { Description = "log-uniform: the alignment, a size or 'mix' (4K 70 %, 64K 20 %, 1M 10 %).", HelpName = "SIZE|mix" };

    public Option<string?> Output { get; } = new("--output", "-o") { Description = "The file to write (default: standard output).", HelpName = "FILE" };

    /// <summary>The options, in the order <c>--help</c> lists them.</summary>
    public Option[] All => [Profile, Ops, Seed, RegionSize, Min, Max, Fill, Align, Output];
}
