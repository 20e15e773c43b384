using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Cma.Conformance;
using Cma.Runtime.Configuration;
using Cma.Runtime.Plugins;
using Spectre.Console;

namespace Cma.Host.Cli;

/// <summary>
/// <c>cma conformance</c>: loads the plugins as the host does (first-party, configured, <c>--plugin</c>), runs the
/// conformance kit on every provider found (or the <c>--allocator</c> ones) with empty settings, and prints a table of
/// checks × allocators. Each failure is printed with its message (for the randomized check, the minimal failing
/// operation sequence) and the seed that reproduces it. Exit code 1 when any check failed or a plugin failed to load,
/// 2 on bad usage.
/// </summary>
internal static class ConformanceCommand
{
    public static Command Build(CliConsole console)
    {
        Option<string[]> allocators = new("--allocator")
        {
            Description = "An allocator to check (repeatable; default: every loaded one).",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = false,
        };
        Option<int> ops = new("--ops")
        {
            Description = $"Random operations the randomized check runs per allocator (default {ConformanceOptions.DefaultOps:N0}).",
            HelpName = "N",
            DefaultValueFactory = _ => ConformanceOptions.DefaultOps,
        };
        Option<string?> seed = new("--seed")
        {
            Description = "The seed of the randomized check: paste the one a failure printed to reproduce it.",
            HelpName = "SEED",
        };
        var command = new Command("conformance", "Run the conformance kit on every allocator plugin found (add a third party's with --plugin PATH).")
        {
            allocators, ops, seed,
        };
        command.SetAction(parse => Run(parse, console, parse.GetValue(allocators) ?? [], parse.GetValue(ops), parse.GetValue(seed)));
        return command;
    }

    private static int Run(ParseResult parse, CliConsole console, string[] names, int ops, string? seed)
    {
        ConformanceOptions options = ValidOptions(ops, seed);
        using HostLoader host = HostLoader.LoadPlugins(parse, console);
        foreach (PluginLoadFailure failure in host.Catalog.Failures)
            console.Error.WriteLine($"cma: plugin refused: {failure}");
        List<PluginProvider> providers = Select(host.Catalog, names);

        long started = Stopwatch.GetTimestamp();
        List<IReadOnlyList<ConformanceResult>> results = RunKit(console, providers, options);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);

        WriteTable(console, providers, results);
        int failed = WriteFailures(console, providers, results);
        int total = providers.Count * ConformanceSuite.All.Count;
        int notApplicable = results.Sum(plugin => plugin.Count(r => r.NotApplicable));
        // Load failures fail a run over "every provider found"; with --allocator only the named ones are judged.
        int refused = names.Length == 0 ? host.Catalog.Failures.Count : 0;
        console.Output.WriteLine(
            $"conformance: {providers.Count} allocator(s) × {ConformanceSuite.All.Count} checks: {total - failed - notApplicable} passed, {failed} failed" +
            (notApplicable > 0 ? $", {notApplicable} not applicable (no exact placement)" : "") +
            (refused > 0 ? $", {refused} plugin(s) refused" : "") +
            $"; {options.Ops:N0} random operations from seed {options.Seed ?? ConformanceOptions.DefaultSeed}; {Duration(elapsed)}.");
        return failed > 0 || refused > 0 ? 1 : 0;
    }

    /// <summary>The kit's options; a bad --ops or --seed ends the command with exit code 2.</summary>
    private static ConformanceOptions ValidOptions(int ops, string? seed)
    {
        if (ops < 1)
            throw new CliExitException(2, $"cma conformance: --ops must be at least 1; {ops} is not. Give the number of random operations, e.g. --ops 100000.");
        var options = new ConformanceOptions { Ops = ops, Seed = seed };
        try
        {
            _ = new ConformanceContext("seed", _ => throw new InvalidOperationException("not called"), options);
        }
        catch (ArgumentException e)
        {
            throw new CliExitException(2, $"cma conformance: --seed {e.Message.Split(" (Parameter", 2)[0]}");
        }
        return options;
    }

    /// <summary>The providers to check: the named ones in the order named, else every loaded one.</summary>
    private static List<PluginProvider> Select(PluginCatalog catalog, string[] names)
    {
        var selected = new List<PluginProvider>();
        foreach (string name in names)
        {
            PluginProvider provider = catalog.Find(name)
                ?? throw new CliExitException(2, $"cma conformance: {AllocatorNotLoaded.Message(name, catalog)} Or load it for this run with --plugin PATH.");
            if (!selected.Contains(provider))
                selected.Add(provider);
        }
        if (names.Length == 0)
            selected.AddRange(catalog.Providers);
        if (selected.Count == 0)
            throw new CliExitException(2, "cma conformance: no allocator plugin is loaded; run 'cma plugins' to see why, or add one with --plugin PATH.");
        return selected;
    }

    /// <summary>Runs the kit on each provider in turn, with a progress bar per allocator on a terminal.</summary>
    private static List<IReadOnlyList<ConformanceResult>> RunKit(CliConsole console, List<PluginProvider> providers, ConformanceOptions options)
    {
        var results = new List<IReadOnlyList<ConformanceResult>>(providers.Count);
        if (!console.Interactive)
        {
            foreach (PluginProvider provider in providers)
                results.Add(ConformanceRunner.Run(provider.Instance, options));
            return results;
        }
        console.Ansi.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                foreach (PluginProvider provider in providers)
                {
                    ProgressTask task = context.AddTask(TaskText(provider.Name, 0), maxValue: ConformanceSuite.All.Count);
                    results.Add(ConformanceRunner.Run(provider.Instance, options, new TaskProgress(task, provider.Name)));
                    task.StopTask();
                }
            });
        return results;
    }

    /// <summary>"best-fit: Stats_are_exact…" — the allocator and the check running now.</summary>
    private static string TaskText(string allocator, int done) =>
        done < ConformanceSuite.All.Count
            ? $"{Markup.Escape(allocator)} [grey]{Markup.Escape(ConformanceSuite.All[done].Name)}[/]"
            : Markup.Escape(allocator);

    /// <summary>Rows are the checks, columns the allocators; each cell ✓ or ✗ with the check's time, or – for a check of
    /// an optional capability the allocator does not have. A first row says which allocators have exact placement
    /// (<see cref="ICmaExactPlacement"/>, contract 1.1).</summary>
    private static void WriteTable(CliConsole console, List<PluginProvider> providers, List<IReadOnlyList<ConformanceResult>> results)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Conformance");
        table.AddColumn(new TableColumn("Check").NoWrap());
        foreach (PluginProvider provider in providers)
            table.AddColumn(new TableColumn(Markup.Escape(provider.Name)).RightAligned());
        var exact = new List<string> { "[bold]exact placement[/]" };
        foreach (IReadOnlyList<ConformanceResult> plugin in results)
            exact.Add(plugin.Any(r => r.NotApplicable) ? "[grey]no (1.0 contract)[/]" : "yes");
        table.AddRow(exact.ToArray());
        for (int c = 0; c < ConformanceSuite.All.Count; c++)
        {
            var row = new List<string> { Markup.Escape(ConformanceSuite.All[c].Name) };
            foreach (IReadOnlyList<ConformanceResult> plugin in results)
            {
                ConformanceResult r = plugin[c];
                row.Add(r.NotApplicable ? "[grey]–[/]" : r.Passed ? $"[green]✓[/] {Duration(r.Elapsed)}" : $"[red]✗ {Duration(r.Elapsed)}[/]");
            }
            table.AddRow(row.ToArray());
        }
        var totals = new List<string> { "[bold]passed / total time[/]" };
        foreach (IReadOnlyList<ConformanceResult> plugin in results)
        {
            int passed = 0, applicable = 0;
            TimeSpan time = TimeSpan.Zero;
            foreach (ConformanceResult r in plugin)
            {
                applicable += r.NotApplicable ? 0 : 1;
                passed += r.Passed && !r.NotApplicable ? 1 : 0;
                time += r.Elapsed;
            }
            string color = passed == applicable ? "green" : "red";
            totals.Add($"[{color}]{passed}/{applicable}[/] {Duration(time)}");
        }
        table.AddRow(totals.ToArray());
        console.Ansi.Write(table);
    }

    /// <summary>Prints each failure: allocator, check, message (with the minimal failing sequence) and how to reproduce
    /// it. Returns how many checks failed.</summary>
    private static int WriteFailures(CliConsole console, List<PluginProvider> providers, List<IReadOnlyList<ConformanceResult>> results)
    {
        int failed = 0;
        for (int p = 0; p < providers.Count; p++)
        {
            foreach (ConformanceResult r in results[p])
            {
                if (r.Passed)
                    continue;
                failed++;
                console.Output.WriteLine();
                console.Output.WriteLine($"✗ {r.PluginName} failed {r.CheckName} ({r.Concern}):");
                foreach (string line in (r.Message ?? "no message").Split('\n'))
                    console.Output.WriteLine("    " + line.TrimEnd('\r'));
                string plugin = IsFirstParty(providers[p].FilePath) ? "" : $" --plugin \"{providers[p].FilePath}\"";
                // With its seed, one operation asked for replays exactly the printed sequence (see docs/plugins.md).
                string seed = r.Seed is null ? "" : $" --ops 1 --seed {r.Seed}";
                if (r.Seed is not null)
                    console.Output.WriteLine($"  seed: {r.Seed}");
                console.Output.WriteLine($"  reproduce: cma conformance{plugin} --allocator {r.PluginName}{seed}");
            }
        }
        return failed;
    }

    /// <summary>Whether a plugin DLL lies in the host's own plugins/ folder (loaded without --plugin).</summary>
    private static bool IsFirstParty(string file) =>
        Path.GetFullPath(file).StartsWith(Path.GetFullPath(PluginCatalog.FirstPartyDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>"840 ms", "12.3 s", "2m 05s".</summary>
    private static string Duration(TimeSpan time) =>
        time.TotalSeconds < 1 ? $"{time.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms"
        : time.TotalMinutes < 1 ? $"{time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
        : $"{(int)time.TotalMinutes}m {time.Seconds:00}s";

    /// <summary>Advances one allocator's progress bar as its checks finish (synchronously, on the kit's thread).</summary>
    private sealed class TaskProgress(ProgressTask task, string allocator) : IProgress<ConformanceResult>
    {
        /// <summary>Checks finished so far; at most the suite's size.</summary>
        private int _done;

        public void Report(ConformanceResult value)
        {
            _done++;
            task.Increment(1);
            task.Description = TaskText(allocator, _done);
        }
    }
}
