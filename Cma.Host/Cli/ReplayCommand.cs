using System.CommandLine;
using System.Text;
using System.Text.Json;
using Cma.Host.Reports;
using Cma.Host.Workloads;
using Spectre.Console;

namespace Cma.Host.Cli;

/// <summary>
/// <c>cma replay TRACE</c>: replays a workload against the configured regions through the map (each operation's
/// <c>@device/type</c>, or <c>--device</c>/<c>--region</c> for traces without them) and reports per device and per region,
/// then the region table as the workload left it.
/// </summary>
internal static class ReplayCommand
{
    public static Command Build(CliConsole console)
    {
        var shared = new WorkloadOptions();
        Option<string?> device = new("--device") { Description = "The device for operations that name none (e.g. malloc traces).", HelpName = "NAME" };
        Option<string?> type = new("--type") { Description = "The type for --device (default: common).", HelpName = "TYPE" };
        Option<string?> region = new("--region") { Description = "Send every request to these regions (comma-separated, in order), bypassing the map.", HelpName = "NAMES" };
        Option<int> loop = new("--loop")
        {
            Description = "Replay the trace this many times, freeing what it left live between passes (0: until Ctrl+C) — e.g. to watch `dotnet-counters monitor --counters Cma`.",
            DefaultValueFactory = _ => 1,
            HelpName = "N",
        };
        Option<string?> fromSnapshot = new("--from-snapshot")
        {
            Description = "Start from a saved state (JSON, from --save-snapshot or `cma info --chunks --json`): its chunks are placed at their addresses first, and stay.",
            HelpName = "FILE",
        };
        Option<string?> saveSnapshot = new("--save-snapshot") { Description = "Write the state the replay leaves (regions, settings, live chunks) as JSON to this file.", HelpName = "FILE" };
        var command = new Command("replay", "Replay a workload against the configured regions through the map and report per region.")
        {
            device, type, region, loop, fromSnapshot, saveSnapshot,
        };
        shared.AddTo(command);
        shared.Granule.Hidden = true; // refused below with what to do instead; not offered in --help
        command.SetAction(parse =>
        {
            if (parse.GetValue(type) is not null && parse.GetValue(device) is null)
                throw new CliExitException(2, "cma replay: --type needs --device (e.g. --device camera --type preview).");
            TraceFile trace = shared.OpenTrace(parse, "replay");
            if (shared.ParseGranule(parse, "replay") is not null)
                throw new CliExitException(2, "cma replay: the configured regions' granules apply here; --granule is for 'cma compare'. "
                    + "To replay a byte-sized trace through the map, set the regions' granule in the configuration, or for one run: CMA_Cma__Granule=16 cma replay TRACE.");
            if (parse.GetValue(loop) < 0)
                throw new CliExitException(2, "cma replay: --loop takes a count of passes, or 0 to repeat until Ctrl+C.");
            string? report = parse.GetValue(shared.Report) is string r ? OutputFile.Check(r, "--report", "replay") : null;
            string? save = parse.GetValue(saveSnapshot) is string s ? OutputFile.Check(s, "--save-snapshot", "replay") : null;
            string? from = parse.GetValue(fromSnapshot);
            var snapshots = new Snapshots(from, from is null ? null : ReplaySnapshot.Read(from, "replay"), save);
            return Run(parse, console, trace, parse.GetValue(device), parse.GetValue(type), parse.GetValue(region), parse.GetValue(shared.Json),
                report, "replay", parse.GetValue(loop), snapshots);
        });
        return command;
    }

    /// <summary>The state a replay starts from (<c>--from-snapshot</c>: its path and what it holds) and where it saves the
    /// state it leaves (<c>--save-snapshot</c>); null when not asked for.</summary>
    internal sealed record Snapshots(string? FromPath, CmaState? From, string? SavePath);

    /// <summary>Replays <paramref name="trace"/> through the configured service and shows the results (shared with the main job).</summary>
    public static int Run(ParseResult parse, CliConsole console, TraceFile trace, string? device, string? type, string? region, bool json, string? reportPath,
        string command, int passes = 1, Snapshots? snapshots = null)
    {
        using HostLoader host = HostLoader.LoadPlugins(parse, console);
        CmaService service = host.BuildService(parse);
        if (region is not null)
        {
            foreach (string name in region.Split(',', StringSplitOptions.TrimEntries))
            {
                if (service.FindRegion(name) is null)
                    throw new CliExitException(2, $"cma {command}: --region '{name}' is not a configured region. Regions: {string.Join(", ", service.Regions.Select(r => r.Info.Name))}.");
            }
        }
        string? restored = snapshots?.From is { } state ? ReplaySnapshot.Restore(service, state, snapshots.FromPath!, command) : null;
        if (restored is not null && !json)
            console.Output.WriteLine(restored);
        MapReplayResult result = Replay(console, service, trace, (device, type, region), json, reportPath is not null, command, passes, snapshots);
        if (snapshots?.SavePath is { } save)
            ReplaySnapshot.Save(service, save, command);
        if (reportPath is not null)
            OutputFile.Write(reportPath, "--report", command, Encoding.UTF8, w => w.Write(HtmlReport.Render(HtmlReport.ForReplay(trace, result))));
        if (json)
        {
            var doc = new { trace = trace.Path, format = trace.Format.ToString().ToLowerInvariant(), result.Operations, devices = result.Devices,
                regionsDuringReplay = result.Regions.Select(r => new { name = r.Name, r.Satisfied, r.Frees, r.PeakLiveBytes, r.PeakFootprint, r.FragmentationMax, r.FragmentationMean, r.Fault }),
                result.FreesOfFailedSkipped, result.ZeroSizeRequests, skipped = result.Trace, movable = result.Movable, migration = result.Migration, result.WallSeconds, result.ServiceSeconds, result.ParseSeconds,
                regionsAfter = service.GetRegions(), restored };
            console.Output.WriteLine(JsonSerializer.Serialize(doc, CliJson.Options));
            return FenceReport.ExitCode(console, command, result.Regions.Where(r => r.Fenced).Select(r => r.Name));
        }
        MapReplayTables.Write(console.Ansi, $"{trace.Name} replayed through the map", result);
        InfoCommand.WriteRegions(console, service.GetRegions(), host.ConfigPath);
        foreach (string line in MapReplaySummary.Lines(result))
            console.Ansi.WriteLine(Markup.Escape(line));
        if (reportPath is not null)
            console.Output.WriteLine($"Report written to {reportPath}");
        return FenceReport.ExitCode(console, command, result.Regions.Where(r => r.Fenced).Select(r => r.Name));
    }

    /// <summary>Runs the passes of the replay (with progress, and Ctrl+C ending the loop); between passes it frees what a
    /// pass left live and restores the snapshot again.</summary>
    private static MapReplayResult Replay(CliConsole console, CmaService service, TraceFile trace, (string? Device, string? Type, string? Region) target,
        bool json, bool captureOccupancy, string command, int passes, Snapshots? snapshots)
    {
        try
        {
            return ConsoleProgress.Run(console.Ansi, console.Interactive && !json, progress =>
            {
                using var cancel = new CancellationTokenSource();
                Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
                for (int pass = 1; ; pass++)
                {
                    using ITraceReader reader = trace.OpenReader();
                    MapReplayResult r = MapReplay.Run(reader, service, trace.Name, target.Device, target.Type, target.Region,
                        f => progress?.Report(trace.Name, "replaying", f), captureOccupancy);
                    if ((passes != 0 && pass >= passes) || cancel.IsCancellationRequested)
                    {
                        progress?.Report(trace.Name, "done", 1);
                        return r;
                    }
                    service.FreeAll();
                    if (snapshots?.From is { } state)
                        ReplaySnapshot.Restore(service, state, snapshots.FromPath!, command);
                }
            });
        }
        catch (TraceFormatException e)
        {
            throw new CliExitException(2, $"cma {command}: {e.Message}");
        }
    }
}
