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

    /// <summary>Per operation, its kind and alignment in one code (<see cref="Encode"/>).</summary>
    private byte[] _flags = new byte[4096];

    /// <summary>Alignment codes per allocating kind: 0 for the granule, else log2(alignment) + 1 (1–64).</summary>
    private const int AlignmentCodes = 65;

    /// <summary>The first code of the operations without a size (free, pin, long-term pin, unpin): after the three
    /// allocating kinds' <see cref="AlignmentCodes"/> codes each.</summary>
    private const int PlainCodes = 3 * AlignmentCodes;

    /// <summary>Code → kind, and code → alignment (the inverse of <see cref="Encode"/>).</summary>
    private static readonly (TraceOpKind Kind, ulong Alignment)[] Decode = BuildDecode();

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
        _flags[Count] = Encode(op.Kind, op.Alignment);
        _lines[Count] = (uint)Math.Min(op.Line, uint.MaxValue);
        Count++;
        return true;
    }

    /// <summary>One byte for an operation's kind and alignment: an allocating kind's index (contiguous 0, movable 1,
    /// discardable 2) × <see cref="AlignmentCodes"/> + its alignment code; the others from <see cref="PlainCodes"/> on.</summary>
    private static byte Encode(TraceOpKind kind, ulong alignment)
    {
        int align = alignment == 0 ? 0 : BitOperations.Log2(alignment) + 1;
        return (byte)(kind switch
        {
            TraceOpKind.Allocate => align,
            TraceOpKind.AllocateMovable => AlignmentCodes + align,
            TraceOpKind.AllocateDiscardable => 2 * AlignmentCodes + align,
            TraceOpKind.Free => PlainCodes,
            TraceOpKind.Pin => PlainCodes + 1,
            TraceOpKind.PinLongTerm => PlainCodes + 2,
            _ => PlainCodes + 3,
        });
    }

    private static (TraceOpKind, ulong)[] BuildDecode()
    {
        var table = new (TraceOpKind, ulong)[256];
        TraceOpKind[] allocating = [TraceOpKind.Allocate, TraceOpKind.AllocateMovable, TraceOpKind.AllocateDiscardable];
        for (int k = 0; k < allocating.Length; k++)
        {
            for (int a = 0; a < AlignmentCodes; a++)
                table[k * AlignmentCodes + a] = (allocating[k], a == 0 ? 0 : 1UL << (a - 1));
        }
        TraceOpKind[] plain = [TraceOpKind.Free, TraceOpKind.Pin, TraceOpKind.PinLongTerm, TraceOpKind.Unpin];
        for (int i = 0; i < plain.Length; i++)
            table[PlainCodes + i] = (plain[i], 0);
        return table;
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
            (TraceOpKind kind, ulong alignment) = Decode[trace._flags[i]];
            op = new TraceOp(kind, trace._slots[i], trace._sizes[i], alignment, null, null, trace._lines[i]);
            return true;
        }

        public void Dispose()
        {
        }
    }
}
