using System.Numerics;

namespace Cma.Host.Workloads;

/// <summary>
/// A workload held in memory in a compact form (17 bytes an operation), so that the minimum-size search can replay it
/// many times without parsing it again. Only used for traces below <see cref="MaxOperations"/>; longer ones are re-read
/// from disk each time.
/// </summary>
internal sealed class RecordedTrace
{
    /// <summary>The most operations kept in memory (about 68 MiB).</summary>
    public const int MaxOperations = 4 << 20;

    /// <summary>Per operation: the size asked for (0 for frees).</summary>
    private ulong[] _sizes = new ulong[4096];

    /// <summary>Per operation: the reader's slot.</summary>
    private int[] _slots = new int[4096];

    /// <summary>Per operation: bit 7 = free, bits 0–6 = log2(alignment) + 1, or 0 for the granule.</summary>
    private byte[] _flags = new byte[4096];

    /// <summary>Per operation: the 1-based trace line it came from (saturated at 2^32 - 1), so that a failure names it.</summary>
    private uint[] _lines = new uint[4096];

    /// <summary>Operations recorded.</summary>
    public int Count { get; private set; }

    /// <summary>Appends an operation; false (nothing recorded) once <see cref="MaxOperations"/> is reached.</summary>
    public bool TryAdd(in TraceOp op)
    {
        if (Count == MaxOperations)
            return false;
        if (Count == _sizes.Length)
        {
            int size = Math.Min(MaxOperations, Count * 2);
            Array.Resize(ref _sizes, size);
            Array.Resize(ref _slots, size);
            Array.Resize(ref _flags, size);
            Array.Resize(ref _lines, size);
        }
        _sizes[Count] = op.Size;
        _slots[Count] = op.Slot;
        _flags[Count] = (byte)((op.Kind == TraceOpKind.Free ? 0x80 : 0) | (op.Alignment == 0 ? 0 : BitOperations.Log2(op.Alignment) + 1));
        _lines[Count] = (uint)Math.Min(op.Line, uint.MaxValue);
        Count++;
        return true;
    }

    /// <summary>A reader over the recorded operations, with their trace lines.</summary>
    public ITraceReader OpenReader(TraceCounters counters) => new Reader(this, counters);

    /// <summary>Replays the arrays.</summary>
    private sealed class Reader(RecordedTrace trace, TraceCounters counters) : ITraceReader
    {
        /// <summary>The next operation to return.</summary>
        private int _next;

        public TraceCounters Counters => counters;

        public double Progress => trace.Count == 0 ? 1 : (double)_next / trace.Count;

        public bool TryRead(out TraceOp op)
        {
            if (_next == trace.Count)
            {
                op = default;
                return false;
            }
            int i = _next++;
            byte flags = trace._flags[i];
            int log = flags & 0x7F;
            op = new TraceOp((flags & 0x80) != 0 ? TraceOpKind.Free : TraceOpKind.Allocate, trace._slots[i], trace._sizes[i],
                log == 0 ? 0 : 1UL << (log - 1), null, null, trace._lines[i]);
            return true;
        }

        public void Dispose()
        {
        }
    }
}
