using System.Runtime.CompilerServices;

namespace Cma.Host.Workloads;

/// <summary>
/// The common loop of the text readers: one line at a time, each parsed by the format into zero to three
/// operations (a realloc is a free and an allocation). A malformed line stops the read with its file and line number,
/// or under <c>--lenient</c> is skipped and counted. A format validates a whole line before it changes any state, so a
/// skipped line leaves no trace.
/// </summary>
internal abstract class LineTraceReader : ITraceReader
{
    /// <summary>The line source.</summary>
    private readonly TraceLineReader _lines;

    /// <summary>Whether malformed lines are skipped (counted) rather than fatal.</summary>
    private readonly bool _lenient;

    /// <summary>Operations parsed from the current line, handed out in order; at most two.</summary>
    private readonly TraceOp[] _pending = new TraceOp[3];

    /// <summary>Operations in <see cref="_pending"/>.</summary>
    private int _pendingCount;

    /// <summary>The next operation of <see cref="_pending"/> to hand out; at most <see cref="_pendingCount"/>.</summary>
    private int _pendingNext;

    protected LineTraceReader(TraceLineReader lines, string file, bool lenient)
    {
        _lines = lines;
        File = file;
        _lenient = lenient;
    }

    /// <summary>The trace's file name, for messages.</summary>
    protected string File { get; }

    /// <inheritdoc/>
    public TraceCounters Counters { get; } = new();

    /// <inheritdoc/>
    public double Progress => _lines.Progress;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(out TraceOp op)
    {
        while (true)
        {
            if (_pendingNext < _pendingCount)
            {
                op = _pending[_pendingNext++];
                return true;
            }
            _pendingCount = _pendingNext = 0;
            if (!_lines.TryReadLine(out ReadOnlySpan<char> line))
            {
                op = default;
                return false;
            }
            if (ParseLine(line, _lines.LineNumber) is { } error)
            {
                _pendingCount = 0;
                if (!_lenient)
                    throw new TraceFormatException(File, _lines.LineNumber, error + " (use --lenient to skip bad lines)");
                Counters.BadLinesSkipped++;
                Counters.FirstBadLine ??= $"{File}:{_lines.LineNumber}: {error}";
            }
        }
    }

    /// <summary>Parses one line, calling <see cref="Emit"/> for each operation; returns an error message for a malformed
    /// line (having changed nothing), or null.</summary>
    protected abstract string? ParseLine(ReadOnlySpan<char> line, long lineNumber);

    /// <summary>Queues an operation parsed from the current line.</summary>
    protected void Emit(TraceOp op) => _pending[_pendingCount++] = op;

    public void Dispose() => _lines.Dispose();
}
