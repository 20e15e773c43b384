using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Cma.Host.Workloads;

/// <summary>
/// Reads text lines as spans over one reusable buffer: no string per line. Handles <c>\n</c> and <c>\r\n</c>. A line
/// longer than the buffer grows it (traces have short lines; the buffer stays small). Reports progress from the
/// position of the underlying byte stream.
/// </summary>
internal sealed class TraceLineReader : IDisposable
{
    /// <summary>The decoder over the input.</summary>
    private readonly StreamReader _reader;

    /// <summary>The stream whose position measures progress (the file, also under a zip), or null.</summary>
    private readonly Stream? _progressStream;

    /// <summary>Characters read but not yet returned live in [_start, _end).</summary>
    private char[] _buffer = new char[64 * 1024];

    /// <summary>Start of the unread characters in <see cref="_buffer"/>.</summary>
    private int _start;

    /// <summary>End of the valid characters in <see cref="_buffer"/>.</summary>
    private int _end;

    /// <summary>Set once the decoder returned 0.</summary>
    private bool _eof;

    /// <summary>Disposed with this reader besides <see cref="_reader"/> (e.g. the zip archive).</summary>
    private readonly IDisposable? _owned;

    public TraceLineReader(Stream stream, Stream? progressStream = null, IDisposable? owned = null)
    {
        _reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        _progressStream = progressStream ?? (stream.CanSeek ? stream : null);
        _owned = owned;
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

    /// <summary>Moves the unread tail to the front (growing the buffer if it is full) and reads more.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Fill()
    {
        int pending = _end - _start;
        if (pending == _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2);
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, pending);
            _start = 0;
            _end = pending;
        }
        int read = _reader.Read(_buffer, _end, _buffer.Length - _end);
        Debug.Assert(read >= 0);
        if (read == 0)
            _eof = true;
        _end += read;
    }

    /// <summary>Drops a trailing carriage return.</summary>
    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> line) =>
        line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    public void Dispose()
    {
        _reader.Dispose();
        _owned?.Dispose();
    }
}
