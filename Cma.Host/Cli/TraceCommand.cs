using System.CommandLine;
using System.Globalization;
using System.Text;
using Cma.Host.Reports;
using Cma.Host.Workloads;
using Cma.Host.Workloads.Generation;

namespace Cma.Host.Cli;

/// <summary><c>cma trace generate</c>: writes a synthetic workload in Cma's trace format from a profile of
/// contiguous-memory users (camera, video, gfx-mixed, log-uniform, devices, reusable), with its <c># region</c> line.</summary>
internal static class TraceCommand
{
    public static Command Build(CliConsole console)
    {
        var options = new TraceGenerateOptions();
        var generate = new Command("generate", "Write a synthetic workload from a profile of contiguous-memory users.");
        foreach (Option option in options.All)
            generate.Options.Add(option);
        generate.SetAction(parse => Generate(parse, console, options));
        return new Command("trace", "Make workloads for replay and compare.") { generate };
    }

    /// <summary>Writes the trace the options describe, to <c>-o</c> or standard output.</summary>
    private static int Generate(ParseResult parse, CliConsole console, TraceGenerateOptions options)
    {
        GeneratorSettings settings = Settings(parse, options);
        string? path = parse.GetValue(options.Output) is string o ? OutputFile.Check(o, "-o", "trace generate") : null;
        if (path is null)
        {
            TraceGenerator.Write(settings, console.Output);
            return 0;
        }
        OutputFile.Write(path, "-o", "trace generate", new UTF8Encoding(false), w => TraceGenerator.Write(settings, w));
        console.Error.WriteLine($"Wrote {ReportFormat.Count(settings.Operations, "operation")} ({settings.Profile}, seed {settings.Seed}) to {path}.");
        return 0;
    }

    /// <summary>The generator's settings from the options; a bad value ends the command with exit code 2.</summary>
    private static GeneratorSettings Settings(ParseResult parse, TraceGenerateOptions options)
    {
        string name = parse.GetValue(options.Profile)!;
        if (Array.IndexOf(TraceGenerator.Profiles, name) < 0)
            throw new CliExitException(2, $"cma trace generate: '{name}' is not a profile; use one of {string.Join(", ", TraceGenerator.Profiles)}.");
        long count = parse.GetValue(options.Ops);
        if (count is <= 0 or > TraceGenerator.MaxOperations)
        {
            throw new CliExitException(2, string.Create(CultureInfo.InvariantCulture, $"cma trace generate: --ops must be from 1 to {TraceGenerator.MaxOperations:N0} "
                + $"(a trace of about 1.6 GB); {count} is not. For a longer workload, replay a trace several times ('cma replay --loop N')."));
        }
        bool logUniform = name == "log-uniform";
        if (!logUniform && (parse.GetValue(options.Min) ?? parse.GetValue(options.Max) ?? parse.GetValue(options.Align)) is not null || !logUniform && parse.GetValue(options.Fill) is not null)
            throw new CliExitException(2, $"cma trace generate: --min, --max, --fill and --align apply to the log-uniform profile only; drop them for '{name}', or use --profile log-uniform.");
        ulong minSize = ParseRequest(parse.GetValue(options.Min), "--min") ?? 4096;
        ulong maxSize = ParseRequest(parse.GetValue(options.Max), "--max") ?? 4UL << 20;
        if (minSize > maxSize)
            throw new CliExitException(2, $"cma trace generate: --min ({CmaSize.Format(minSize)}) is larger than --max ({CmaSize.Format(maxSize)}).");
        double fillValue = parse.GetValue(options.Fill) ?? 0.7;
        if (!(fillValue > 0 && fillValue <= 1)) // NaN fails both
        {
            throw new CliExitException(2, string.Create(CultureInfo.InvariantCulture,
                $"cma trace generate: --fill must be above 0 and at most 1 (e.g. 0.7); {fillValue} is not."));
        }
        AlignmentChoice alignment = parse.GetValue(options.Align) is string a
            ? AlignmentChoice.Parse(a) ?? throw new CliExitException(2, $"cma trace generate: --align '{a}' is neither a power-of-two size nor 'mix'.")
            : AlignmentChoice.Granule;
        ulong? region = WorkloadOptions.ParseSize(parse.GetValue(options.RegionSize), "--region-size", "trace generate");
        if (region < TraceGenerator.MinRegionSize(name))
        {
            throw new CliExitException(2, $"cma trace generate: the {name} profile needs --region-size of at least {CmaSize.Format(TraceGenerator.MinRegionSize(name))} "
                + $"(its page cache must always have room for a chunk); {parse.GetValue(options.RegionSize)} is less.");
        }
        return new GeneratorSettings
        {
            Profile = name, Operations = count, Seed = parse.GetValue(options.Seed),
            RegionSize = region,
            Min = minSize, Max = maxSize, Fill = fillValue, Alignment = alignment,
        };
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
