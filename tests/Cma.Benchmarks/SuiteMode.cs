using System.Diagnostics;

namespace Cma.Benchmarks;

/// <summary>
/// The <c>suite</c> mode: the whole BenchmarkDotNet suite with <b>one process per case</b>. The job runs in process (no
/// per-case project build), so a plain <c>--filter '*'</c> runs every case in one process, where the JIT's tiered PGO
/// compiles the shared hot paths (the replay loops, the host's <c>Region.TryAllocate</c>, which inlines the plugin it
/// saw first) for whichever case came first, and later cases are measured on code tuned for another allocator and
/// workload — a bias of up to ~50 % measured on the host path. A fresh process per case gives each its own profile and
/// heap. The host path is also bimodal from one process to the next (e.g. buddy on A through the host: ~75 or ~113 ns
/// per operation, with tiered compilation off as well, so it is the process's memory layout, not the JIT), so
/// <c>--launches N</c> runs each case in N processes and prints every launch. Other arguments: substrings a case's name
/// must contain (all of them), e.g. <c>suite WorkloadA bitmap</c>. Prints each launch's BenchmarkDotNet summary row,
/// then all rows as one table.
/// </summary>
internal static class SuiteMode
{
    public static int Run(string[] args)
    {
        int launches = 1;
        int at = Array.IndexOf(args, "--launches");
        if (at >= 0 && at + 1 < args.Length)
        {
            launches = int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture);
            args = [.. args[..at], .. args[(at + 2)..]];
        }
        // The cases as BenchmarkDotNet names them, from the same parameter lists the benchmark classes declare.
        var cases = new List<string>();
        foreach (string allocator in BenchPlugins.Names)
        {
            foreach (string workload in WorkloadABenchmarks.Workloads)
            {
                foreach (string path in BenchPlugins.Paths)
                    cases.Add($"Cma.Benchmarks.WorkloadABenchmarks.Replay(Allocator: \"{allocator}\", Workload: \"{workload}\", Path: \"{path}\")");
            }
            foreach (int live in WorkloadBBenchmarks.Levels)
            {
                foreach (string path in BenchPlugins.Paths)
                    cases.Add($"Cma.Benchmarks.WorkloadBBenchmarks.Replay(Allocator: \"{allocator}\", LiveChunks: {live}, Path: \"{path}\")");
            }
        }
        cases.RemoveAll(name => !args.All(name.Contains));
        cases = cases.SelectMany(name => Enumerable.Repeat(name, launches)).ToList();
        Console.WriteLine($"{cases.Count / launches} cases × {launches} launches, one process each; load average {MemoryMode.LoadAverage()}");
        var rows = new List<string>();
        string? header = null;
        long started = Stopwatch.GetTimestamp();
        foreach (string name in cases)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
                start.ArgumentList.Add(typeof(SuiteMode).Assembly.Location);
            start.ArgumentList.Add("--filter");
            start.ArgumentList.Add(name);
            using Process child = Process.Start(start)!;
            string output = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            string[] table = output.Split('\n').Where(line => line.StartsWith("| ", StringComparison.Ordinal)).ToArray();
            if (child.ExitCode != 0 || table.Length < 2)
            {
                Console.Error.WriteLine($"{name}: no result (exit code {child.ExitCode})");
                Console.Error.WriteLine(output);
                return 1;
            }
            header ??= table[0];
            rows.Add(table[^1]);
            Console.WriteLine($"{table[^1]}   (load {MemoryMode.LoadAverage()})");
        }
        Console.WriteLine();
        Console.WriteLine(header);
        Console.WriteLine(string.Concat(header!.Select(c => c == '|' ? '|' : '-')));
        foreach (string row in rows)
            Console.WriteLine(row);
        Console.WriteLine($"{cases.Count} launch{(cases.Count == 1 ? "" : "es")} in {Stopwatch.GetElapsedTime(started).TotalMinutes:F1} min; load average {MemoryMode.LoadAverage()}");
        return 0;
    }
}
