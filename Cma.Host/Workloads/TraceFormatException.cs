namespace Cma.Host.Workloads;

/// <summary>A trace that cannot be read: a bad line (with file and line number) or an unreadable file.</summary>
internal sealed class TraceFormatException : Exception
{
    public TraceFormatException(string file, long line, string message)
        : base(line > 0 ? $"{file}:{line}: {message}" : $"{file}: {message}")
    {
        File = file;
        Line = line;
    }

    /// <summary>The trace file.</summary>
    public string File { get; }

    /// <summary>The 1-based line, or 0 when the problem is not on one line.</summary>
    public long Line { get; }
}
