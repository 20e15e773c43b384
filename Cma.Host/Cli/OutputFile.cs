using System.Text;
using Cma.Runtime.Files;

namespace Cma.Host.Cli;

/// <summary>
/// A file a command writes (<c>--report</c>, <c>trace generate -o</c>): checked before the work starts, so that a long
/// replay does not end in a path it cannot write, and written with any I/O failure (a full disk, a read-only folder)
/// ending the command with exit code 2 and the reason, not a stack trace. A missing folder is not created: a typo in a
/// path should not leave folders behind.
/// </summary>
internal static class OutputFile
{
    /// <summary>The full path of <paramref name="path"/>; exit code 2 when it cannot be a file to write.</summary>
    /// <param name="path">The path the user gave.</param>
    /// <param name="option">The option that named it, for messages (e.g. <c>--report</c>).</param>
    /// <param name="command">The command, for messages (e.g. <c>compare</c>).</param>
    public static string Check(string path, string option, string command)
    {
        if (path.Length == 0)
            throw new CliExitException(2, $"cma {command}: {option} is empty; give the name of the file to write.");
        string full = Path.GetFullPath(path);
        FileKind kind = FileKinds.Of(full);
        if (kind == FileKind.Directory)
            throw new CliExitException(2, $"cma {command}: {option} {path} is a directory; give the name of a file to write in it (e.g. {Path.Combine(path, Example(option))}).");
        if (kind is FileKind.Fifo or FileKind.Socket or FileKind.BlockDevice)
            throw new CliExitException(2, $"cma {command}: {option} {path} is {FileKinds.Describe(kind)}; give a regular file to write (or /dev/null).");
        string folder = Path.GetDirectoryName(full)!;
        FileKind parent = FileKinds.Of(folder);
        if (parent == FileKind.Missing)
            throw new CliExitException(2, $"cma {command}: {option} {path}: the folder {folder} does not exist; create it first, or write somewhere else.");
        if (parent != FileKind.Directory)
            throw new CliExitException(2, $"cma {command}: {option} {path}: {folder} is {FileKinds.Describe(parent)}, not a folder; give a path inside a folder.");
        return full;
    }

    /// <summary>Creates (or replaces) <paramref name="path"/> and writes it; exit code 2 when the system refuses.</summary>
    /// <param name="path">The file, already <see cref="Check"/>ed.</param>
    /// <param name="option">The option that named it, for messages.</param>
    /// <param name="command">The command, for messages.</param>
    /// <param name="encoding">The text encoding (with or without a byte order mark).</param>
    /// <param name="write">Writes the content.</param>
    public static void Write(string path, string option, string command, Encoding encoding, Action<TextWriter> write)
    {
        try
        {
            using var writer = new StreamWriter(path, append: false, encoding, 1 << 16);
            write(writer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliExitException(2, $"cma {command}: cannot write {option} {path}: {e.Message}");
        }
    }

    private static string Example(string option) => option == "--report" ? "report.html" : "workload.trace";
}
