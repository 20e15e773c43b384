using System.Diagnostics;
using Cma.Host.Tests.Memory;

namespace Cma.Host.Tests.Persistence;

/// <summary>Runs the <c>JournalChild</c> program (built beside the tests) and kills it with SIGKILL.</summary>
internal static class KilledChild
{
    /// <summary>Starts <c>JournalChild</c> with <paramref name="arguments"/>, kills it with SIGKILL after
    /// <paramref name="delayMs"/> (from its start when <paramref name="early"/>, else from its first line), and returns
    /// every line it wrote.</summary>
    public static List<string> Run(string[] arguments, int delayMs, bool early = false)
    {
        var start = new ProcessStartInfo(ChildProcess.Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "JournalChild.dll"));
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        var ready = new ManualResetEventSlim();
        Task reader = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                lock (lines)
                    lines.Add(line);
                ready.Set();
            }
        });
        if (!early && !ready.Wait(TimeSpan.FromSeconds(60)))
            Assert.Fail("the child did not start in 60 s: " + (process.HasExited ? errors.Result : "(running)"));
        Thread.Sleep(delayMs);
        Assert.False(process.HasExited, "the child stopped by itself: " + (process.HasExited ? errors.Result : ""));
        process.Kill();   // SIGKILL
        process.WaitForExit();
        Assert.True(reader.Wait(TimeSpan.FromSeconds(30)), "the child's output did not end");
        lock (lines)
            return [.. lines];
    }
}
