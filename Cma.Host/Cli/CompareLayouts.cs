using System.CommandLine;
using System.Text.Json;
using Cma.Host.Reports;
using Cma.Host.Workloads;
using Cma.Runtime.Configuration;
using Spectre.Console;

namespace Cma.Host.Cli;

/// <summary>
/// <c>cma compare --layouts TRACE</c>: replays a trace with movable chunks through the host in three memory layouts
/// (<see cref="LayoutComparison"/>) with one allocator, and shows them as rows of one table (<see cref="LayoutTable"/>).
/// </summary>
internal static class CompareLayouts
{
    /// <summary>The allocator used when no <c>--allocator</c> is given (if loaded; else the first loaded one).</summary>
    public const string DefaultAllocator = "best-fit";

    public static int Run(ParseResult parse, CliConsole console, WorkloadOptions shared, string[] names, string? sizeText, string? startText, bool findMin)
    {
        if (findMin)
            throw new CliExitException(2, "cma compare: --layouts compares layouts on one region size; --find-min-size searches allocators' minimum sizes. Give one of them.");
        if (parse.GetValue(shared.Report) is not null)
            throw new CliExitException(2, "cma compare: --layouts has no HTML report; leave out --report (use --json for the figures).");
        if (names.Length > 1)
            throw new CliExitException(2, $"cma compare: --layouts replays with one allocator; give one --allocator (you gave {names.Length}: {string.Join(", ", names)}).");
        TraceFile trace = shared.OpenTrace(parse, "compare");
        ulong granule = shared.ParseGranule(parse, "compare") ?? 4096;
        ulong start = CompareCommand.ParseStart(startText, granule);
        ulong size = CompareCommand.RegionSize(trace, sizeText, start, granule, findMin: false)!.Value;
        using HostLoader host = HostLoader.LoadPlugins(parse, console);
        string allocator = names.Length == 1 ? names[0]
            : host.Catalog.Find(DefaultAllocator)?.Name ?? host.Catalog.Providers.FirstOrDefault()?.Name
            ?? throw new CliExitException(2, "cma compare: no allocator plugin is loaded; run 'cma plugins' to see why, or add one with --plugin PATH.");
        if (host.Catalog.Find(allocator) is null)
            throw new CliExitException(2, $"cma compare: {AllocatorNotLoaded.Message(allocator, host.Catalog)} Or load it for this run with --plugin PATH.");
        var settings = new LayoutSettings { Allocator = allocator, RegionStart = start, RegionSize = size, Granule = granule };
        bool json = parse.GetValue(shared.Json);
        (TraceProfile profile, List<LayoutResult> results) = ConsoleProgress.Run(console.Ansi, console.Interactive && !json, progress =>
        {
            TraceProfile p = CompareCommand.Measure(trace, granule, progress);
            try
            {
                return (p, LayoutComparison.Run(trace, p, host.Catalog, host.LoggerFactory, settings, progress));
            }
            catch (TraceFormatException e)
            {
                throw new CliExitException(2, "cma compare: " + e.Message);
            }
            catch (CmaConfigurationException e)
            {
                throw new CliExitException(2, "cma compare: " + e.Message + " Give a smaller --region-size or a lower --region-start.");
            }
        });
        string title = $"{trace.Name}: {ReportFormat.N(profile.Operations)} ops, {allocator}, region {ReportFormat.Bytes(size)} at 0x{start:X}, granule {ReportFormat.Bytes(granule)}";
        if (json)
        {
            console.Output.WriteLine(JsonSerializer.Serialize(LayoutTable.ToJson(trace, allocator, settings, profile, results), CliJson.Options));
            return Exit(console, results);
        }
        LayoutTable.Write(console.Ansi, title, results);
        foreach (string line in LayoutTable.Notes(results))
            console.Ansi.WriteLine(Markup.Escape(line));
        return Exit(console, results);
    }

    private static int Exit(CliConsole console, List<LayoutResult> results) =>
        FenceReport.ExitCode(console, "compare", results.Where(r => r.Fault is not null).Select(r => r.Name));
}
