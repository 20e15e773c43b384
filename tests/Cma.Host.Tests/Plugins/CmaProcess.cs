using System.Diagnostics;

namespace Cma.Host.Tests.Plugins;

/// <summary>
/// Runs the real <c>cma</c> (the copy of the host built beside this test assembly, with the first-party plugins in its
/// <c>plugins/</c>) as a child process. For what can abort a process natively: the child dies, the test run does not.
/// </summary>
internal static class CmaProcess
{
    /// <summary>Long enough for a cold start on a shared machine; only a hang reaches it, and it fails the test.</summary>
    private const int TimeoutMs = 120_000;

    /// <summary>Runs <c>cma <paramref name="arguments"/></c> in <paramref name="workingDirectory"/>.</summary>
    public static (int ExitCode, string Output, string Error) Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cma.dll"));
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeoutMs))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'cma {string.Join(' ', arguments)}' did not finish; it was stopped.");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
