using System.Diagnostics;
using System.Text;

namespace Cma.Plugins.Tests.ThirdParty;

/// <summary>Runs the <c>dotnet</c> CLI as a child process with a timeout, capturing its output; a non-zero exit or a
/// timeout throws with the whole output, so the test that needed it fails and says why.</summary>
internal static class DotnetProcess
{
    /// <summary>Environment variables that the parent <c>dotnet test</c> sets for its own MSBuild and that would make a
    /// child build resolve its SDK through the parent's.</summary>
    private static readonly string[] s_inheritedMsBuildVariables =
        ["MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly"];

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="workingDirectory"/>.</summary>
    /// <returns>Standard output and error, interleaved by line.</returns>
    /// <exception cref="InvalidOperationException">The process exited with a non-zero code or ran past the timeout.</exception>
    public static string Run(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (string variable in s_inheritedMsBuildVariables)
            start.Environment.Remove(variable);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string command = "dotnet " + string.Join(' ', arguments);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new InvalidOperationException($"'{command}' ran past {timeout.TotalSeconds:0} s and was stopped. Output:\n{Text(output)}");
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{command}' exited with {process.ExitCode}. Output:\n{Text(output)}");
        return Text(output);
    }

    /// <summary>Adds a line of output (the handlers run on two threads).</summary>
    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.AppendLine(line);
    }

    /// <summary>The output so far.</summary>
    private static string Text(StringBuilder output)
    {
        lock (output)
            return output.ToString();
    }
}
