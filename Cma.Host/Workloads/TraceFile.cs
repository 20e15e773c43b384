using System.IO.Compression;
using Cma.Runtime.Files;

namespace Cma.Host.Workloads;

/// <summary>
/// A trace on disk: its format (given, or detected from the content), the region size its <c># region</c> line states,
/// and a way to open a fresh streaming reader over it (the replay opens it once per allocator). A <c>.zip</c> is read
/// straight from its first entry.
/// </summary>
internal sealed class TraceFile
{
    /// <summary>Lines looked at to detect the format and find the <c># region</c> line.</summary>
    private const int HeadLines = 64;

    /// <summary>The longest line and the most unzipped bytes every reader over this trace accepts.</summary>
    private readonly TraceLimits _limits;

    private TraceFile(string path, TraceFormat format, bool zipped, ulong? regionSize, string? unreadableRegionLine, bool lenient, TraceLimits limits)
    {
        Path = path;
        Format = format;
        Zipped = zipped;
        RegionSize = regionSize;
        UnreadableRegionLine = unreadableRegionLine;
        Lenient = lenient;
        _limits = limits;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The format (never <see cref="TraceFormat.Auto"/>).</summary>
    public TraceFormat Format { get; }

    /// <summary>Whether the trace is the first entry of a zip archive.</summary>
    public bool Zipped { get; }

    /// <summary>The region size from a leading <c># region &lt;size&gt;</c> comment, or null.</summary>
    public ulong? RegionSize { get; }

    /// <summary>What is wrong with a leading <c># region</c> line that gives no usable size (<c># region -1</c>), or null.</summary>
    public string? UnreadableRegionLine { get; }

    /// <summary>Whether malformed lines are skipped (counted) rather than fatal.</summary>
    public bool Lenient { get; }

    /// <summary>The file name, for messages.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>Opens <paramref name="path"/>, detecting the format when <paramref name="format"/> is Auto.</summary>
    /// <param name="path">The trace file: a regular file (a zip archive's first entry is read).</param>
    /// <param name="format">The format, or Auto to detect it from the first lines.</param>
    /// <param name="lenient">Skip malformed lines (counted) rather than stop at the first.</param>
    /// <param name="limits">What the trace may hold (default <see cref="TraceLimits.Default"/>).</param>
    /// <exception cref="TraceFormatException">The file is missing or not a regular file, cannot be read, breaks
    /// <paramref name="limits"/>, or its format cannot be recognised.</exception>
    public static TraceFile Open(string path, TraceFormat format = TraceFormat.Auto, bool lenient = false, TraceLimits? limits = null)
    {
        limits ??= TraceLimits.Default;
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        string name = System.IO.Path.GetFileName(full);
        // Look before opening: opening a named pipe blocks until a writer comes, and a device like /dev/zero never ends.
        switch (FileKinds.Of(full))
        {
            case FileKind.Missing:
                throw new TraceFormatException(name, 0, $"no such file ({full}).");
            case FileKind.Directory:
                throw new TraceFormatException(name, 0, $"is a directory ({full}), not a trace file; name a trace file inside it.");
            case FileKind.Regular:
                break;
            case FileKind kind:
                throw new TraceFormatException(name, 0, $"is {FileKinds.Describe(kind)}, not a regular file ({full}). "
                    + "A trace is read more than once, so it must be a file on disk: save the data to a file and name that.");
        }
        (bool zipped, List<string> head) = ReadHead(full, limits);
        ulong? regionSize = FindRegionLine(head, out string? unreadableRegionLine);
        if (format == TraceFormat.Auto)
        {
            format = zipped ? TraceFormat.Android : Detect(head)
                ?? throw new TraceFormatException(name, 0, "the format is not recognised: expected Cma's 'a <id> <size>' / 'f <id>' lines, a malloc-lab .rep "
                    + "(four header numbers, then 'a id size'), or an Android memory_replay dump ('<tid>: malloc <ptr> <size>'). Name it with --format.");
        }
        return new TraceFile(full, format, zipped, regionSize, unreadableRegionLine, lenient, limits);
    }

    /// <summary>A fresh reader from the first line.</summary>
    /// <exception cref="TraceFormatException">The file can no longer be read (removed or changed since it was opened).</exception>
    public ITraceReader OpenReader()
    {
        TraceLineReader lines;
        try
        {
            lines = OpenLines(Path, Zipped, _limits);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new TraceFormatException(Name, 0, $"cannot be read: {e.Message}");
        }
        return Format switch
        {
            TraceFormat.Rep => new RepTraceReader(lines, Name, Lenient),
            TraceFormat.Android => new AndroidTraceReader(lines, Name, Lenient),
            _ => new CmaTraceReader(lines, Name, Lenient),
        };
    }

    /// <summary>The format the head lines look like, or null: Android (<c>tid: action</c>), .rep (four numbers then
    /// <c>a</c>/<c>f</c>/<c>r</c> lines), else Cma (<c>a</c>, <c>f</c>, <c>m</c>, <c>d</c>, <c>p</c>, <c>u</c> lines).</summary>
    internal static TraceFormat? Detect(IReadOnlyList<string> head)
    {
        var lines = new List<string>();
        foreach (string h in head)
        {
            string t = h.Trim();
            if (t.Length > 0 && t[0] != '#')
                lines.Add(t);
        }
        if (lines.Count == 0)
            return TraceFormat.Cma;
        string first = lines[0];
        int colon = first.IndexOf(':');
        if (colon > 0 && TraceTokens.TryParseDecimal(first.AsSpan(0, colon), out _))
            return TraceFormat.Android;
        if (lines.Count >= 4 && IsNumber(lines[0]) && IsNumber(lines[1]) && IsNumber(lines[2]) && IsNumber(lines[3]))
            return TraceFormat.Rep;
        return first.Length > 1 && first[1] == ' ' && "afmdpu".Contains(first[0], StringComparison.Ordinal) ? TraceFormat.Cma : null;

        static bool IsNumber(string s) => double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out _);
    }

    /// <summary>The size in a <c># region &lt;size&gt;</c> comment before the first operation; a region line whose size
    /// cannot be read (<c># region -1</c>, <c># region 0</c>) gives null and says why in <paramref name="unreadable"/>.</summary>
    internal static ulong? FindRegionLine(IReadOnlyList<string> head, out string? unreadable)
    {
        unreadable = null;
        for (int i = 0; i < head.Count; i++)
        {
            ReadOnlySpan<char> rest = head[i].AsSpan().Trim();
            if (rest.IsEmpty)
                continue;
            if (rest[0] != '#')
                return null;
            rest = rest[1..];
            if (!TraceTokens.Next(ref rest, out ReadOnlySpan<char> word) || word is not "region")
                continue;
            if (TraceTokens.Next(ref rest, out ReadOnlySpan<char> size) && TraceTokens.TryParseSize(size, out ulong bytes) && bytes > 0)
                return bytes;
            unreadable = size.IsEmpty ? $"its '# region' line (line {i + 1}) gives no size."
                : $"its '# region' line (line {i + 1}) gives {TraceTokens.Quote(size)}, which is not a size above 0.";
            return null;
        }
        return null;
    }

    /// <summary>Whether the file is a zip archive, and its first <see cref="HeadLines"/> lines (each cut at 400 characters).</summary>
    private static (bool Zipped, List<string> Head) ReadHead(string path, TraceLimits limits)
    {
        var head = new List<string>();
        try
        {
            bool zipped = IsZip(path);
            using TraceLineReader lines = OpenLines(path, zipped, limits);
            while (head.Count < HeadLines && lines.TryReadLine(out ReadOnlySpan<char> line))
                head.Add(line.Length > 400 ? line[..400].ToString() : line.ToString());
            return (zipped, head);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new TraceFormatException(System.IO.Path.GetFileName(path), 0, $"cannot be read: {e.Message}");
        }
    }

    /// <summary>A line reader from the first line of the file, or of its first zip entry (refused when its header says
    /// it unpacks to more than <see cref="TraceLimits.MaxUnzippedBytes"/>).</summary>
    private static TraceLineReader OpenLines(string path, bool zipped, TraceLimits limits)
    {
        string name = System.IO.Path.GetFileName(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        if (!zipped)
            return new TraceLineReader(file, name, limits.MaxLineLength);
        try
        {
            var archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: false);
            ZipArchiveEntry? entry = null;
            foreach (ZipArchiveEntry e in archive.Entries)
            {
                if (e.Length > 0 && !e.FullName.EndsWith('/'))
                {
                    entry = e;
                    break;
                }
            }
            if (entry is null || entry.Length > limits.MaxUnzippedBytes)
            {
                archive.Dispose();
                throw new TraceFormatException(name, 0, entry is null ? "the zip archive holds no trace file."
                    : $"its entry {TraceTokens.Quote(entry.FullName)} unpacks to {CmaSize.FormatApproximate((ulong)entry.Length)}, more than the "
                        + $"{CmaSize.FormatApproximate((ulong)limits.MaxUnzippedBytes)} a zipped trace may hold. Unpack it yourself and give the file.");
            }
            // .NET unpacks an entry no further than its header's size, so the check above bounds what comes out.
            return new TraceLineReader(entry.Open(), name, limits.MaxLineLength, file, archive);
        }
        catch (InvalidDataException e)
        {
            file.Dispose();
            throw new TraceFormatException(name, 0, $"is not a readable zip archive: {e.Message}");
        }
    }

    private static bool IsZip(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using FileStream s = File.OpenRead(path);
        return s.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
    }
}
