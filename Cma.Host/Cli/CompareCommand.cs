using System.CommandLine;
using System.Text;
using System.Text.Json;
using Cma.Host.Reports;
using Cma.Host.Workloads;
using Cma.Runtime.Configuration;
using Spectre.Console;

namespace Cma.Host.Cli;

/// <summary>
/// <c>cma compare TRACE</c>: replays one workload once per allocator on an identical region and shows the results side
/// by side; <c>--find-min-size</c> also searches each allocator's smallest region on which the whole workload succeeds.
/// </summary>
internal static class CompareCommand
{
    public static Command Build(CliConsole console)
    {
        var shared = new WorkloadOptions();
        Option<string[]> allocators = new("--allocator") { Description = "An allocator to compare (repeatable; default: every loaded one).", HelpName = "NAME" };
        Option<string?> regionSize = new("--region-size") { Description = "The region size (default: the trace's '# region' line).", HelpName = "SIZE" };
        Option<string?> regionStart = new("--region-start") { Description = "The region's first address (default 1G).", HelpName = "ADDRESS" };
        Option<bool> findMin = new("--find-min-size")
        {
            Description = $"Search each allocator's smallest region on which every request succeeds, up to {WorkloadComparison.SearchFactor}× the larger of "
                + "the peak live bytes, the largest request and the region size ('none up to …' when even that fails).",
        };
        Option<bool> layouts = new("--layouts")
        {
            Description = "Instead, replay the trace through the host in three memory layouts for its movable chunks — one reusable region; the region "
                + "for contiguous chunks with movable ones carved out to a separate region; one region shared without migration — and compare "
                + "contiguous requests satisfied, memory needed, bytes migrated and contiguous allocation latency (one --allocator, default best-fit).",
        };
        var command = new Command("compare", "Replay a workload once per allocator on an identical region and compare them side by side "
            + "(or, with --layouts, once per memory layout for movable chunks).")
        {
            allocators, regionSize, regionStart, findMin, layouts,
        };
        shared.AddTo(command);
        command.SetAction(parse => parse.GetValue(layouts)
            ? CompareLayouts.Run(parse, console, shared, parse.GetValue(allocators) ?? [], parse.GetValue(regionSize), parse.GetValue(regionStart), parse.GetValue(findMin))
            : Run(parse, console, shared, parse.GetValue(allocators) ?? [], parse.GetValue(regionSize), parse.GetValue(regionStart), parse.GetValue(findMin)));
        return command;
    }

    private static int Run(ParseResult parse, CliConsole console, WorkloadOptions shared, string[] names, string? sizeText, string? startText, bool findMin)
    {
        TraceFile trace = shared.OpenTrace(parse, "compare");
        string? reportPath = parse.GetValue(shared.Report) is string r ? OutputFile.Check(r, "--report", "compare") : null;
        ulong granule = shared.ParseGranule(parse, "compare") ?? 4096;
        ulong start = ParseStart(startText, granule);
        ulong? size = RegionSize(trace, sizeText, start, granule, findMin);
        using HostLoader host = HostLoader.LoadPlugins(parse, console);
        var candidates = new List<AllocatorCandidate>();
        foreach (string name in names.Length > 0 ? names : host.Catalog.Providers.Select(p => p.Name).ToArray())
        {
            Cma.Runtime.Plugins.PluginProvider provider = host.Catalog.Find(name)
                ?? throw new CliExitException(2, $"cma compare: {AllocatorNotLoaded.Message(name, host.Catalog)} Or load it for this run with --plugin PATH.");
            candidates.Add(new AllocatorCandidate(provider.Name, provider.Instance));
        }
        if (candidates.Count == 0)
            throw new CliExitException(2, "cma compare: no allocator plugin is loaded; run 'cma plugins' to see why, or add one with --plugin PATH.");

        var settings = new ComparisonSettings { RegionStart = start, RegionSize = size, Granule = granule, FindMinimumSize = findMin, Occupancy = reportPath is not null };
        (TraceProfile profile, List<ReplayResult> results) = ConsoleProgress.Run(console.Ansi, console.Interactive && !parse.GetValue(shared.Json), progress =>
        {
            TraceProfile p = Measure(trace, granule, progress);
            try
            {
                return (p, WorkloadComparison.Run(trace, p, candidates, settings, progress));
            }
            catch (TraceFormatException e)
            {
                // A trace too long to keep in memory is read again per replay; it may have changed or gone since.
                throw new CliExitException(2, "cma compare: " + e.Message);
            }
        });
        var comparison = new WorkloadComparisonReport(trace, profile, settings, results);
        if (reportPath is not null)
            OutputFile.Write(reportPath, "--report", "compare", Encoding.UTF8, w => w.Write(HtmlReport.Render(HtmlReport.ForComparison(comparison))));
        if (parse.GetValue(shared.Json))
        {
            console.Output.WriteLine(JsonSerializer.Serialize(comparison.ToJson(), CliJson.Options));
            return FenceReport.ExitCode(console, "compare", results.Where(r => r.Fenced).Select(r => r.Name));
        }
        ComparisonTable.Write(console.Ansi, comparison.Title, results);
        foreach (string line in comparison.Notes())
            console.Ansi.WriteLine(Markup.Escape(line));
        if (!console.Interactive)
        {
            foreach (string line in ComparisonTable.Summary(results))
                console.Output.WriteLine(line);
        }
        if (reportPath is not null)
            console.Output.WriteLine($"Report written to {reportPath}");
        return FenceReport.ExitCode(console, "compare", results.Where(r => r.Fenced).Select(r => r.Name));
    }

    /// <summary>The <c>--region-start</c> (default 1G): above 0, a multiple of the granule, with room for a region
    /// below 2^64; anything else ends the command with exit code 2.</summary>
    internal static ulong ParseStart(string? text, ulong granule)
    {
        if (text is not null && CmaSize.TryParse(text, out ulong zero) && zero == 0)
            throw new CliExitException(2, "cma compare: --region-start must be above 0 (address 0 is never a chunk); e.g. --region-start 1G, the default.");
        ulong start = WorkloadOptions.ParseSize(text, "--region-start", "compare") ?? 1UL << 30;
        if (start % granule != 0)
        {
            ulong down = start / granule * granule;
            string example = down <= ulong.MaxValue - granule ? $"0x{down + granule:X}" : $"0x{down:X}";
            throw new CliExitException(2, $"cma compare: --region-start 0x{start:X}{(text is null ? " (the default)" : "")} is not a multiple of the granule "
                + $"({CmaSize.FormatApproximate(granule)}); give one that is, e.g. --region-start {example}.");
        }
        if (ulong.MaxValue - start < granule)
            throw new CliExitException(2, $"cma compare: --region-start 0x{start:X} leaves no room below 2^64 for a region of even one granule ({CmaSize.FormatApproximate(granule)}); "
                + "give a lower one (the default is 1G).");
        return start;
    }

    /// <summary>The region size rounded up to the granule: <c>--region-size</c>, else the trace's <c># region</c> line, else
    /// null (only with <c>--find-min-size</c>). A size that does not fit between the start and 2^64, or a region line
    /// that cannot be read, ends the command with exit code 2.</summary>
    internal static ulong? RegionSize(TraceFile trace, string? text, ulong start, ulong granule, bool findMin)
    {
        ulong? size = WorkloadOptions.ParseSize(text, "--region-size", "compare");
        if (size is null && trace.UnreadableRegionLine is string line)
            throw new CliExitException(2, $"cma compare: {trace.Name}: {line} Fix the line (e.g. '# region 64M'), or give --region-size SIZE.");
        size ??= trace.RegionSize;
        if (size is null && !findMin)
            throw new CliExitException(2, $"cma compare: {trace.Name} has no '# region <size>' line, so the region size is unknown. "
                + "Give --region-size SIZE (e.g. --region-size 256M), or --find-min-size to search for the smallest region that works.");
        if (size is not ulong s)
            return null;
        ulong room = (ulong.MaxValue - start) / granule * granule;
        if (s > room)
        {
            string what = text is not null ? $"--region-size {text}" : $"{trace.Name}'s '# region' line asks for {CmaSize.FormatApproximate(s)} (0x{s:X}), which";
            throw new CliExitException(2, $"cma compare: {what} at 0x{start:X} would run past the end of the 64-bit address space; at most "
                + $"{CmaSize.FormatApproximate(room)} (0x{room:X}) fits there. Give a smaller --region-size or a lower --region-start.");
        }
        return (s + granule - 1) / granule * granule; // no overflow: room is a multiple of the granule
    }

    /// <summary>Reads the trace once (operation count, peak live bytes); bad lines end the command with exit code 2.</summary>
    internal static TraceProfile Measure(TraceFile trace, ulong granule, IComparisonProgress? progress)
    {
        try
        {
            return TraceProfile.Measure(trace, granule, f => progress?.Report("trace", "reading " + trace.Name, f));
        }
        catch (TraceFormatException e)
        {
            throw new CliExitException(2, "cma compare: " + e.Message);
        }
        finally
        {
            progress?.Report("trace", "done", 1);
        }
    }
}
