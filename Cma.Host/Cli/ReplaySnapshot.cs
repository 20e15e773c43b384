using System.Text.Json;
using Cma.Runtime.Files;

namespace Cma.Host.Cli;

/// <summary>
/// <c>cma replay --from-snapshot FILE</c> and <c>--save-snapshot FILE</c>: a saved host state (<see cref="CmaState"/>,
/// the JSON of <c>cma info --chunks --json</c>) read, checked against the configuration and restored into the fresh host
/// before the trace runs, and the state the replay left written at its end. Every mistake ends the command with exit
/// code 2 and says what to fix: a file that is not there or not JSON (with the line and position), every region that
/// does not match the configuration, a chunk that cannot be placed.
/// </summary>
internal static class ReplaySnapshot
{
    /// <summary>Reads the state in <paramref name="path"/>; exit code 2 when it is missing or not a Cma state.</summary>
    public static CmaState Read(string path, string command)
    {
        string option = "--from-snapshot";
        FileKind kind = FileKinds.Of(Path.GetFullPath(path));
        if (kind == FileKind.Missing)
            throw new CliExitException(2, $"cma {command}: {option} {path} does not exist; save one with 'cma replay TRACE --save-snapshot {path}'.");
        if (kind != FileKind.Regular)
            throw new CliExitException(2, $"cma {command}: {option} {path} is {FileKinds.Describe(kind)}; give a state file (JSON).");
        try
        {
            using FileStream stream = File.OpenRead(path);
            return CmaState.ReadJson(stream);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $"line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}" : "at the end";
            string message = e.Message;
            int cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
            if (cut > 0)
                message = message[..cut];
            throw new CliExitException(2, $"cma {command}: {option} {path} is not a Cma state: {where}: {message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliExitException(2, $"cma {command}: cannot read {option} {path}: {e.Message}");
        }
    }

    /// <summary>Restores <paramref name="state"/> into <paramref name="service"/>'s empty regions and returns the line
    /// saying what was restored; exit code 2, listing every mismatch, when the state does not fit the configuration.</summary>
    public static string Restore(CmaService service, CmaState state, string path, string command)
    {
        IReadOnlyList<string> problems = service.CheckState(state);
        if (problems.Count > 0)
        {
            throw new CliExitException(2, $"cma {command}: --from-snapshot {path} does not match the configuration:"
                + string.Concat(problems.Select(p => Environment.NewLine + "  " + p)));
        }
        if (!service.TryRestoreState(state, out IReadOnlyList<CmaRestoredRegion> restored, out string? reason))
            throw new CliExitException(2, $"cma {command}: --from-snapshot {path} could not be restored: {reason}.");
        return Describe(path, restored);
    }

    /// <summary>The one line saying how many chunks per region were restored, and what was not.</summary>
    public static string Describe(string path, IReadOnlyList<CmaRestoredRegion> restored)
    {
        string regions = restored.Count == 0 ? "no regions" : string.Join(", ", restored.Select(r => $"{r.Region} {r.Chunks:N0}"));
        int movable = restored.Sum(r => r.MovableAsContiguous);
        long pins = restored.Sum(r => r.PinsDropped);
        string notes = (movable > 0 ? $"; {movable:N0} movable chunk(s) restored as contiguous" : "")
            + (pins > 0 ? $"; {pins:N0} pin(s) not restored" : "");
        return $"Restored {restored.Sum(r => (long)r.Chunks):N0} chunk(s) from {path}: {regions}{notes}.";
    }

    /// <summary>Writes <paramref name="service"/>'s state to <paramref name="path"/> (already checked with
    /// <see cref="OutputFile.Check"/>); exit code 2 when the system refuses.</summary>
    public static void Save(CmaService service, string path, string command)
    {
        CmaState state = service.CaptureState();
        try
        {
            using FileStream stream = File.Create(path, 1 << 16);
            state.WriteJson(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliExitException(2, $"cma {command}: cannot write --save-snapshot {path}: {e.Message}");
        }
    }
}
