using System.Runtime.CompilerServices;

namespace Cma.Host.Workloads;

/// <summary>
/// The CS:APP malloc-lab <c>.rep</c> format: a four-line header (suggested heap size, number of ids, number of
/// operations, weight — only the second and third are trusted), then <c>a id size</c>, <c>f id</c> and
/// <c>r id size</c> (realloc: a free of the live block, if any, and an allocation). Freeing an id that is not live is
/// <c>free(NULL)</c>: skipped and counted.
/// </summary>
internal sealed class RepTraceReader : LineTraceReader
{
    /// <summary>Live ids and their slots.</summary>
    private readonly SlotTable<long> _slots = new();

    /// <summary>Header lines read so far (0 to 4).</summary>
    private int _headerLines;

    /// <summary>The header's id count (ids are 0 to this − 1); trusted.</summary>
    private ulong _idCount;

    public RepTraceReader(TraceLineReader lines, string file, bool lenient)
        : base(lines, file, lenient)
    {
    }

    /// <summary>The header's operation count, once read.</summary>
    public ulong OperationCount { get; private set; }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override string? ParseLine(ReadOnlySpan<char> line, long lineNumber)
    {
        ReadOnlySpan<char> rest = line;
        if (!TraceTokens.Next(ref rest, out ReadOnlySpan<char> verb))
            return null;
        if (_headerLines < 4)
            return ParseHeader(line, verb, rest);
        if (!TraceTokens.Next(ref rest, out ReadOnlySpan<char> idText))
            return $"{TraceTokens.Quote(verb)} needs an id";
        if (!TraceTokens.TryParseDecimal(idText, out ulong id) || id >= _idCount)
            return _idCount == 0 ? $"{TraceTokens.Quote(idText)} is not an id: the header says the trace has no ids"
                : $"{TraceTokens.Quote(idText)} is not an id: the header says ids run from 0 to {_idCount - 1}";
        if (verb is "f")
        {
            if (TraceTokens.Next(ref rest, out ReadOnlySpan<char> extra))
                return $"unexpected {TraceTokens.Quote(extra)} after 'f {idText}'";
            if (_slots.TryRemove((long)id, out int slot))
                Emit(new TraceOp(TraceOpKind.Free, slot, 0, 0, null, null, lineNumber));
            else
                Counters.NullFreesSkipped++;
            return null;
        }
        if (verb is not ("a" or "r"))
            return $"unknown operation {TraceTokens.Quote(verb)}; expected 'a id size', 'f id' or 'r id size'";
        if (!TraceTokens.Next(ref rest, out ReadOnlySpan<char> sizeText) || !TraceTokens.TryParseDecimal(sizeText, out ulong size))
            return $"'{verb} {idText}' needs a size in bytes";
        if (TraceTokens.Next(ref rest, out ReadOnlySpan<char> more))
            return $"unexpected {TraceTokens.Quote(more)} after '{verb} {idText} {sizeText}'";
        if (_slots.Live.ContainsKey((long)id))
        {
            if (verb is "a")
                return $"allocates id {id}, which is still live";
            _slots.TryRemove((long)id, out int old);
            Emit(new TraceOp(TraceOpKind.Free, old, 0, 0, null, null, lineNumber));
        }
        Emit(new TraceOp(TraceOpKind.Allocate, _slots.Add((long)id), size, 0, null, null, lineNumber));
        return null;
    }

    /// <summary>Reads one header line: a single token; lines 2 and 3 (the only ones trusted) must be whole numbers.</summary>
    private string? ParseHeader(ReadOnlySpan<char> line, ReadOnlySpan<char> value, ReadOnlySpan<char> rest)
    {
        int index = _headerLines++;
        if (!rest.Trim().IsEmpty)
            return $"header line {index + 1} of a .rep trace must be one number, not {TraceTokens.Quote(line.Trim())}";
        if (index is 1 or 2)
        {
            if (!TraceTokens.TryParseDecimal(value, out ulong n))
                return $"header line {index + 1} of a .rep trace ({(index == 1 ? "number of ids" : "number of operations")}) must be a whole number, not {TraceTokens.Quote(value)}";
            if (index == 1)
                _idCount = n;
            else
                OperationCount = n;
        }
        return null;
    }
}
