using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Cma.Host.Workloads;

/// <summary>
/// Reads text lines as spans over one reusable buffer: no string per line. Handles <c>\n</c> and <c>\r\n</c>. The
/// buffer holds the longest line allowed and never grows: a longer line (a binary file, a hostile input, a trace
/// squashed onto one line) stops the read with a <see cref="TraceFormatException"/> naming the line, as does input
/// that cannot be read (a corrupt or oversized zip entry). Reports progress from the position of the underlying byte
/// stream.
/// </summary>
internal sealed class TraceLineReader : IDisposable
{
    /// <summary>The decoder over the input.</summary>
    private readonly StreamReader _reader;

    /// <summary>The stream whose position measures progress (the file, also under a zip), or null.</summary>
    private readonly Stream? _progressStream;

    /// <summary>Characters read but not yet returned live in [_start, _end); one more than the longest line allowed.</summary>
    private readonly char[] _buffer;

    /// <summary>Start of the unread characters in <see cref="_buffer"/>.</summary>
    private int _start;

    /// <summary>End of the valid characters in <see cref="_buffer"/>.</summary>
    private int _end;

    /// <summary>Set once the decoder returned 0.</summary>
    private bool _eof;

    /// <summary>Disposed with this reader besides <see cref="_reader"/> (e.g. the zip archive).</summary>
    private readonly IDisposable? _owned;

    /// <summary>The trace's file name, for messages.</summary>
    private readonly string _name;

    /// <param name="stream">The input.</param>
    /// <param name="name">The trace's file name, for messages.</param>
    /// <param name="maxLineLength">The longest line allowed, in characters (default <see cref="TraceLimits.Default"/>'s).</param>
    /// <param name="progressStream">The stream whose position measures progress, when not <paramref name="stream"/>.</param>
    /// <param name="owned">Disposed with this reader (e.g. the zip archive).</param>
    public TraceLineReader(Stream stream, string name = "trace", int maxLineLength = 0, Stream? progressStream = null, IDisposable? owned = null)
    {
        _reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        _progressStream = progressStream ?? (stream.CanSeek ? stream : null);
        _owned = owned;
        _name = name;
        _buffer = new char[(maxLineLength > 0 ? maxLineLength : TraceLimits.Default.MaxLineLength) + 1];
    }

    /// <summary>The 1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Fraction of the input read (0 to 1); 0 when the stream's length is unknown.</summary>
    public double Progress
    {
        get
        {
            if (_progressStream is null)
                return 0;
            try
            {
                long length = _progressStream.Length;
                return length == 0 ? 1 : Math.Min(1.0, (double)_progressStream.Position / length);
            }
            catch (Exception e) when (e is NotSupportedException or ObjectDisposedException)
            {
                return 0;
            }
        }
    }

    /// <summary>Reads the next line without its terminator; false at the end of input. The span is valid until the next call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadLine(out ReadOnlySpan<char> line)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf('\n');
            if (newline >= 0)
            {
                line = Trim(_buffer.AsSpan(_start, newline));
                _start += newline + 1;
                LineNumber++;
                return true;
            }
            if (_eof)
            {
                if (_start == _end)
                {
                    line = default;
                    return false;
                }
                line = Trim(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
                LineNumber++;
                return true;
            }
            Fill();
        }
    }

    /// <summary>Moves the unread tail (part of one line: it holds no newline) to the front and reads more. A tail that
    /// fills the buffer is a line longer than allowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Fill()
    {
        int pending = _end - _start;
        if (pending == _buffer.Length)
            throw LineTooLong();
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, pending);
            _start = 0;
            _end = pending;
        }
        int read;
        try
        {
            read = _reader.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new TraceFormatException(_name, LineNumber + 1, $"cannot be read: {e.Message}");
        }
        Debug.Assert(read >= 0);
        if (read == 0)
            _eof = true;
        _end += read;
    }

    /// <summary>The error for a line that does not fit in the buffer, quoting only its start.</summary>
    private TraceFormatException LineTooLong() =>
        new(_name, LineNumber + 1, $"the line is longer than {(_buffer.Length - 1).ToString("N0", CultureInfo.InvariantCulture)} characters, so this is not a trace (a trace line "
            + $"is a few dozen, e.g. 'a <id> <size>'); it starts {TraceTokens.QuoteStart(_buffer.AsSpan(_start, _end - _start))}.");

    /// <summary>Drops a trailing carriage return.</summary>
    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> line) =>
        line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    public void Dispose()
    {
        _reader.Dispose();
        _owned?.Dispose();
    }
}
