using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Cma.Host.Workloads;

/// <summary>
/// A replay's position in its trace: reads the next operation (timing the read, so a replay can tell parsing from
/// allocating), numbers operations from 1, and reports progress every <see cref="ProgressEvery"/> operations.
/// </summary>
/// <remarks>Sealed, non-virtual: one read per replayed operation goes through it.</remarks>
internal sealed class TraceCursor
{
    /// <summary>Operations between progress reports (a power of two).</summary>
    public const int ProgressEvery = 1 << 16;

    /// <summary>Where the operations come from.</summary>
    private readonly ITraceReader _reader;

    /// <summary>Told the fraction of the trace read, now and then; null for no reports.</summary>
    private readonly Action<double>? _progress;

    /// <summary>Stopwatch ticks spent in <see cref="ITraceReader.TryRead"/>.</summary>
    private long _readTicks;

    public TraceCursor(ITraceReader reader, Action<double>? progress)
    {
        _reader = reader;
        _progress = progress;
    }

    /// <summary>Operations read so far: the number of the last one read (1-based).</summary>
    public long Operation { get; private set; }

    /// <summary>Seconds spent reading and parsing the trace.</summary>
    public double ReadSeconds => _readTicks / (double)Stopwatch.Frequency;

    /// <summary>Reads the next operation; false at the end of the trace.</summary>
    /// <exception cref="TraceFormatException">A malformed line (unless the reader is lenient).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called once or more per replayed operation
    public bool TryRead(out TraceOp op)
    {
        long t0 = Stopwatch.GetTimestamp();
        bool more = _reader.TryRead(out op);
        _readTicks += Stopwatch.GetTimestamp() - t0;
        if (more)
            Operation++;
        return more;
    }

    /// <summary>Reports progress when the operation just replayed is a multiple of <see cref="ProgressEvery"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called once or more per replayed operation
    public void AfterOperation()
    {
        if ((Operation & (ProgressEvery - 1)) == 0)
            _progress?.Invoke(_reader.Progress);
    }

    /// <summary>Reports the replay complete.</summary>
    public void Done() => _progress?.Invoke(1);
}
