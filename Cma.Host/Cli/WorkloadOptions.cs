using System.CommandLine;
using Cma.Host.Workloads;

namespace Cma.Host.Cli;

/// <summary>The options <c>replay</c> and <c>compare</c> share, and their parsing into values (bad values end with exit 2).</summary>
internal sealed class WorkloadOptions
{
    public Argument<string> Trace { get; } = new("TRACE") { Description = "The workload: a Cma .trace, a malloc-lab .rep, or an Android memory_replay dump (.txt or .zip)." };

    public Option<string> Format { get; } = new("--format") { Description = "The trace format: auto (detect by content), cma, rep, android.", DefaultValueFactory = _ => "auto", HelpName = "FORMAT" };

    public Option<string?> Granule { get; } = new("--granule") { Description = "Round every request up to this many bytes (e.g. 16 for malloc traces; default: the region's, 4K for compare).", HelpName = "SIZE" };

    public Option<bool> Lenient { get; } = new("--lenient") { Description = "Skip malformed lines (counted) instead of stopping at the first." };

    public Option<bool> Json { get; } = CliOptions.Json();

    public Option<string?> Report { get; } = new("--report") { Description = "Also write a self-contained HTML report with charts to this file.", HelpName = "FILE.html" };

    /// <summary>Adds the shared argument and options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(Trace);
        command.Options.Add(Format);
        command.Options.Add(Granule);
        command.Options.Add(Lenient);
        command.Options.Add(Json);
        command.Options.Add(Report);
    }

    /// <summary>Opens the trace the command names; unreadable input ends the command with exit code 2.</summary>
    public TraceFile OpenTrace(ParseResult parse, string command)
    {
        string format = parse.GetValue(Format) ?? "auto";
        TraceFormat parsed = format.ToLowerInvariant() switch
        {
            "auto" => TraceFormat.Auto,
            "cma" => TraceFormat.Cma,
            "rep" => TraceFormat.Rep,
            "android" => TraceFormat.Android,
            _ => throw new CliExitException(2, $"cma {command}: --format '{format}' is not a trace format; use auto, cma, rep or android."),
        };
        string path = parse.GetValue(Trace)!;
        if (path.Length == 0)
            throw new CliExitException(2, $"cma {command}: the TRACE argument is empty; give the path of a trace file (e.g. workloads/devices.trace).");
        try
        {
            return TraceFile.Open(path, parsed, parse.GetValue(Lenient));
        }
        catch (TraceFormatException e)
        {
            throw new CliExitException(2, $"cma {command}: {e.Message}");
        }
    }

    /// <summary>The <c>--granule</c> value, or null when not given.</summary>
    public ulong? ParseGranule(ParseResult parse, string command) =>
        ParseSize(parse.GetValue(Granule), "--granule", command, powerOfTwo: true);

    /// <summary>Parses a size option; a bad value ends the command with exit code 2.</summary>
    public static ulong? ParseSize(string? text, string option, string command, bool powerOfTwo = false)
    {
        if (text is null)
            return null;
        if (!CmaSize.TryParse(text, out ulong value) || value == 0)
            throw new CliExitException(2, $"cma {command}: {option} '{text}' is not a size; write e.g. 4096, 64K, 256M or 0x1000.");
        if (powerOfTwo && !System.Numerics.BitOperations.IsPow2(value))
            throw new CliExitException(2, $"cma {command}: {option} must be a power of two; {text} is not.");
        return value;
    }
}
