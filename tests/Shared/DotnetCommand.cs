using System.Diagnostics;
using System.Text;

namespace Cma.Tests.Shared;

/// <summary>What one command printed and how it ended.</summary>
/// <param name="Command">The command line, for messages.</param>
/// <param name="ExitCode">Its exit code (-1 when it was stopped at its timeout).</param>
/// <param name="Output">Standard output and error, interleaved by line.</param>
/// <param name="Elapsed">How long it ran.</param>
public sealed record CommandResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>Whether it exited with 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>The output of a command that had to succeed; throws with the whole output otherwise, so the test that
    /// needed it fails and says why.</summary>
    /// <exception cref="InvalidOperationException">It exited with a non-zero code or ran past its timeout.</exception>
    public string OutputOrThrow() => Succeeded ? Output : throw new InvalidOperationException(ToString());

    /// <inheritdoc/>
    public override string ToString() => $"'{Command}' exited with {ExitCode} after {Elapsed.TotalSeconds:0.0} s. Output:\n{Output}";
}

/// <summary>Runs a program (by default the <c>dotnet</c> CLI) as a child process with a timeout, as a user's shell
/// would: without the MSBuild variables the parent <c>dotnet test</c> set for itself. Shared (as linked source) by the
/// test projects that build or run things as a user does.</summary>
internal static class DotnetCommand
{
    /// <summary>Variables the parent <c>dotnet test</c> sets for its own MSBuild; a child build would resolve its SDK through them.</summary>
    private static readonly string[] s_parentVariables =
        ["MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "VSTEST_HOST_DEBUG"];

    /// <summary>The dotnet executable the tests run under.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="workingDirectory"/>.</summary>
    public static CommandResult Run(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunProgram(Dotnet, workingDirectory, timeout, arguments);

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static CommandResult RunProgram(string program, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (string variable in s_parentVariables)
            start.Environment.Remove(variable);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";

        string command = Path.GetFileName(program) + " " + string.Join(' ', arguments);
        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CommandResult(command, -1, $"(stopped after {timeout.TotalSeconds:0} s)\n" + Text(output), clock.Elapsed);
        }
        process.WaitForExit();
        return new CommandResult(command, process.ExitCode, Text(output), clock.Elapsed);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.AppendLine(line);
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
            return output.ToString();
    }
}
