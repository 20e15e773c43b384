using System.CommandLine;
using System.Globalization;
using System.Text;
using Cma.Host.Reports;
using Cma.Host.Workloads;
using Cma.Host.Workloads.Generation;

namespace Cma.Host.Cli;

/// <summary><c>cma trace generate</c>: writes a synthetic workload in Cma's trace format from a profile of
/// contiguous-memory users (camera, video, gfx-mixed, log-uniform, devices), with its <c># region</c> line.</summary>
internal static class TraceCommand
{
    public static Command Build(CliConsole console)
    {
        Option<string> profile = new("--profile") { Description = "camera, video, gfx-mixed, log-uniform, or devices (the bundled workload).", Required = true, HelpName = "NAME" };
        Option<long> ops = new("--ops")
        {
            Description = $"Operations to write (default 10000, at most {TraceGenerator.MaxOperations:N0}).", DefaultValueFactory = _ => 10_000, HelpName = "N",
        };
        Option<int> seed = new("--seed") { Description = "Random seed; the same seed writes the same trace (default 1).", DefaultValueFactory = _ => 1, HelpName = "S" };
        Option<string?> regionSize = new("--region-size") { Description = "The region the trace is made for (default: the profile's).", HelpName = "SIZE" };
        Option<string?> min = new("--min") { Description = "log-uniform: the smallest request (default 4K).", HelpName = "SIZE" };
        Option<string?> max = new("--max") { Description = "log-uniform: the largest request (default 4M).", HelpName = "SIZE" };
        Option<double?> fill = new("--fill") { Description = "log-uniform: the fraction of the region live bytes hover around (default 0.7).", HelpName = "F" };
        Option<string?> align = new("--align") { Description = "log-uniform: the alignment, a size or 'mix' (4K 70 %, 64K 20 %, 1M 10 %).", HelpName = "SIZE|mix" };
        Option<string?> output = new("--output", "-o") { Description = "The file to write (default: standard output).", HelpName = "FILE" };
        var generate = new Command("generate", "Write a synthetic workload from a profile of contiguous-memory users.")
        {
            profile, ops, seed, regionSize, min, max, fill, align, output,
        };
        generate.SetAction(parse =>
        {
            string name = parse.GetValue(profile)!;
            if (Array.IndexOf(TraceGenerator.Profiles, name) < 0)
                throw new CliExitException(2, $"cma trace generate: '{name}' is not a profile; use one of {string.Join(", ", TraceGenerator.Profiles)}.");
            long count = parse.GetValue(ops);
            if (count is <= 0 or > TraceGenerator.MaxOperations)
            {
                throw new CliExitException(2, string.Create(CultureInfo.InvariantCulture, $"cma trace generate: --ops must be from 1 to {TraceGenerator.MaxOperations:N0} "
                    + $"(a trace of about 1.6 GB); {count} is not. For a longer workload, replay a trace several times ('cma replay --loop N')."));
            }
            bool logUniform = name == "log-uniform";
            if (!logUniform && (parse.GetValue(min) ?? parse.GetValue(max) ?? parse.GetValue(align)) is not null || !logUniform && parse.GetValue(fill) is not null)
                throw new CliExitException(2, $"cma trace generate: --min, --max, --fill and --align apply to the log-uniform profile only; drop them for '{name}', or use --profile log-uniform.");
            ulong minSize = ParseRequest(parse.GetValue(min), "--min") ?? 4096;
            ulong maxSize = ParseRequest(parse.GetValue(max), "--max") ?? 4UL << 20;
            if (minSize > maxSize)
                throw new CliExitException(2, $"cma trace generate: --min ({CmaSize.Format(minSize)}) is larger than --max ({CmaSize.Format(maxSize)}).");
            double fillValue = parse.GetValue(fill) ?? 0.7;
            if (!(fillValue > 0 && fillValue <= 1)) // NaN fails both
            {
                throw new CliExitException(2, string.Create(CultureInfo.InvariantCulture,
                    $"cma trace generate: --fill must be above 0 and at most 1 (e.g. 0.7); {fillValue} is not."));
            }
            AlignmentChoice alignment = parse.GetValue(align) is string a
                ? AlignmentChoice.Parse(a) ?? throw new CliExitException(2, $"cma trace generate: --align '{a}' is neither a power-of-two size nor 'mix'.")
                : AlignmentChoice.Granule;
            var settings = new GeneratorSettings
            {
                Profile = name, Operations = count, Seed = parse.GetValue(seed),
                RegionSize = WorkloadOptions.ParseSize(parse.GetValue(regionSize), "--region-size", "trace generate"),
                Min = minSize, Max = maxSize, Fill = fillValue, Alignment = alignment,
            };
            string? path = parse.GetValue(output) is string o ? OutputFile.Check(o, "-o", "trace generate") : null;
            if (path is null)
            {
                TraceGenerator.Write(settings, console.Output);
                return 0;
            }
            OutputFile.Write(path, "-o", "trace generate", new UTF8Encoding(false), w => TraceGenerator.Write(settings, w));
            console.Error.WriteLine($"Wrote {ReportFormat.Count(count, "operation")} ({name}, seed {settings.Seed}) to {path}.");
            return 0;
        });
        return new Command("trace", "Make workloads for replay and compare.") { generate };
    }

    /// <summary>A <c>--min</c> or <c>--max</c> request size: rounded up to the 4K granule, it must stay below 2^64.</summary>
    private static ulong? ParseRequest(string? text, string option)
    {
        ulong? size = WorkloadOptions.ParseSize(text, option, "trace generate");
        if (size > TraceGenerator.MaxRequest)
        {
            throw new CliExitException(2, $"cma trace generate: {option} {text} is too large: requests are rounded up to 4K and must stay below 2^64, "
                + $"so the largest is 0x{TraceGenerator.MaxRequest:X}.");
        }
        return size;
    }
}
