namespace Cma.Host.Cli;

/// <summary>How <c>replay</c> and <c>compare</c> end after a plugin fault: the output shows the fault where it happened,
/// standard error names the fenced regions in one line, and the exit code is 1 — a fault is a result a script must see.</summary>
internal static class FenceReport
{
    /// <summary>A plugin fault is a result the exit code shows: 1 when any region was fenced (said on standard error), else 0.</summary>
    /// <param name="console">Where the line goes.</param>
    /// <param name="command">The command, for the message.</param>
    /// <param name="fenced">The allocators (compare) or regions (replay) that were fenced.</param>
    public static int ExitCode(CliConsole console, string command, IEnumerable<string> fenced)
    {
        List<string> names = [.. fenced];
        if (names.Count == 0)
            return 0;
        string prefix = command.Length == 0 ? "cma" : "cma " + command;
        string which = command == "compare"
            ? (names.Count == 1 ? "the region of " : "the regions of ") + string.Join(", ", names)
            : (names.Count == 1 ? "region " : "regions ") + string.Join(", ", names);
        console.Error.WriteLine($"{prefix}: {which} {(names.Count == 1 ? "was" : "were")} fenced after a plugin fault (the output says why); exit code 1.");
        return 1;
    }
}
