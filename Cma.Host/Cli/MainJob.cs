using System.CommandLine;
using Cma.Host.Workloads;
using Spectre.Console;

namespace Cma.Host.Cli;

/// <summary>
/// <c>cma</c> with no subcommand: the host's main job. Replays the bundled device workload
/// (<c>workloads/devices.trace</c> beside the executable: camera, video, JPEG and graphics devices, every operation
/// carrying its device/type) against the configured regions through the map, then shows what each device got, what the
/// workload did to each region, and the region table as it left them.
/// </summary>
internal static class MainJob
{
    /// <summary>The bundled workload, relative to the executable's folder.</summary>
    public const string BundledWorkload = "workloads/devices.trace";

    public static int Run(ParseResult parse, CliConsole console)
    {
        string path = Path.Combine(AppContext.BaseDirectory, BundledWorkload);
        if (!File.Exists(path))
            throw new CliExitException(2, $"cma: the bundled workload {path} is missing; rebuild the host (it is copied from the repository's workloads/ folder), or run 'cma replay TRACE'.");
        TraceFile trace;
        try
        {
            trace = TraceFile.Open(path, TraceFormat.Cma);
        }
        catch (TraceFormatException e)
        {
            throw new CliExitException(2, "cma: " + e.Message);
        }
        console.Ansi.MarkupLine($"Replaying the bundled device workload [bold]{BundledWorkload}[/] through the map (see 'cma replay --help' to replay your own).");
        return ReplayCommand.Run(parse, console, trace, device: null, type: null, region: null, json: false, reportPath: null, command: "");
    }
}
