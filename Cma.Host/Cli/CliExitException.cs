namespace Cma.Host.Cli;

/// <summary>Ends a command with an exit code and a message for the user (no stack trace).</summary>
/// <param name="exitCode">1: a check failed; 2: bad usage, configuration or input.</param>
/// <param name="message">One clear paragraph saying what is wrong and how to fix it.</param>
internal sealed class CliExitException(int exitCode, string message) : Exception(message)
{
    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
