using System.Diagnostics;

namespace Cma.Host.Tests.Memory;

/// <summary>Runs a program as a child process and collects its exit code and output: the embedding sample, the real
/// <c>cma</c> command line (built beside the tests), or a system tool.</summary>
internal static class ChildProcess
{
    /// <summary>The <c>cma</c> command line's DLL, which this test project's build copies beside it.</summary>
    public static string CmaDll => Path.Combine(AppContext.BaseDirectory, "cma.dll");

    /// <summary>Runs <c>dotnet cma.dll</c> with <paramref name="arguments"/>.</summary>
    public static (int ExitCode, string Output) RunCma(params string[] arguments) => Run(Dotnet, [CmaDll, .. arguments]);

    /// <summary>The <c>dotnet</c> running the tests (<c>DOTNET_HOST_PATH</c>, which <c>dotnet test</c> sets), else the one on the PATH.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>Runs <paramref name="program"/>; its exit code and its output and errors. Kills it (and fails the test)
    /// after <paramref name="timeoutMs"/>, so a hung child never hangs the suite.</summary>
    public static (int ExitCode, string Output) Run(string program, string[] arguments, int timeoutMs = 60_000)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";   // leave no build server or node running after the test
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{program} {string.Join(' ', arguments)}' did not finish in {timeoutMs / 1000} s");
        }
        return (process.ExitCode, output.Result + errors.Result);
    }
}
