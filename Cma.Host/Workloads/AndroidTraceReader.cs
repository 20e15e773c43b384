using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Host.Workloads;

/// <summary>
/// Android <c>memory_replay</c> dumps: <c>tid: malloc ptr size</c>, <c>calloc ptr n size</c>, <c>memalign ptr align
/// size</c>, <c>realloc new old size</c>, <c>free ptr</c>, <c>thread_done 0x0</c>. Allocations are keyed by pointer;
/// pointers are reused after a free. <c>free 0x0</c> and a free of a pointer that is not live are <c>free(NULL)</c>,
/// skipped and counted; an allocation returning a pointer that is still live (the recording lost the free) frees the
/// old one first, counted.
/// </summary>
internal sealed class AndroidTraceReader : LineTraceReader
{
    /// <summary>Live pointers and their slots.</summary>
    private readonly SlotTable<ulong> _slots = new();

    public AndroidTraceReader(TraceLineReader lines, string file, bool lenient)
        : base(lines, file, lenient)
    {
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override string? ParseLine(ReadOnlySpan<char> line, long lineNumber)
    {
        ReadOnlySpan<char> rest = line;
        if (!TraceTokens.Next(ref rest, out ReadOnlySpan<char> tid))
            return null;
        if (tid[0] == '#')
            return null;
        if (tid[^1] != ':' || !TraceTokens.TryParseDecimal(tid[..^1], out _))
            return $"expected '<tid>: <action> <ptr> ...', not {TraceTokens.Quote(line)}";
        if (!TraceTokens.Next(ref rest, out ReadOnlySpan<char> action) || !TraceTokens.Next(ref rest, out ReadOnlySpan<char> ptrText))
            return "expected an action and a pointer after the thread id";
        if (!TraceTokens.TryParsePointer(ptrText, out ulong ptr))
            return $"{TraceTokens.Quote(ptrText)} is not a pointer";
        ulong a = 0, b = 0;
        int args = action switch { "malloc" => 1, "free" or "thread_done" => 0, "calloc" or "memalign" or "realloc" => 2, _ => -1 };
        if (args < 0)
            return $"unknown action {TraceTokens.Quote(action)}; expected malloc, calloc, memalign, realloc, free or thread_done";
        if (args >= 1 && !NextNumber(ref rest, action is "realloc", out a))
            return $"'{action}' needs {(args == 1 ? "a size" : "two numbers")}";
        if (args == 2 && !NextNumber(ref rest, false, out b))
            return $"'{action}' needs two numbers";
        if (TraceTokens.Next(ref rest, out ReadOnlySpan<char> extra))
            return $"unexpected {TraceTokens.Quote(extra)} at the end of the line";
        switch (action)
        {
            case "thread_done":
                Counters.IgnoredLines++;
                return null;
            case "free":
                FreePointer(ptr, lineNumber);
                return null;
            case "malloc":
                Allocate(ptr, a, 0, lineNumber);
                return null;
            case "calloc":
                if (a != 0 && b > ulong.MaxValue / a)
                    return $"calloc of {a} × {b} bytes overflows";
                Allocate(ptr, a * b, 0, lineNumber);
                return null;
            case "memalign":
                if (!BitOperations.IsPow2(a))
                    return $"memalign alignment {a} is not a power of two";
                Allocate(ptr, b, a, lineNumber);
                return null;
            default: // realloc new old size
                if (a != 0)
                    FreePointer(a, lineNumber);
                Allocate(ptr, b, 0, lineNumber);
                return null;
        }
    }

    /// <summary>Reads a decimal number, or a pointer when <paramref name="pointer"/> (realloc's old pointer).</summary>
    private static bool NextNumber(ref ReadOnlySpan<char> rest, bool pointer, out ulong value)
    {
        value = 0;
        return TraceTokens.Next(ref rest, out ReadOnlySpan<char> token)
            && (pointer ? TraceTokens.TryParsePointer(token, out value) : TraceTokens.TryParseDecimal(token, out value));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FreePointer(ulong ptr, long lineNumber)
    {
        if (ptr != 0 && _slots.TryRemove(ptr, out int slot))
            Emit(new TraceOp(TraceOpKind.Free, slot, 0, 0, null, null, lineNumber));
        else
            Counters.NullFreesSkipped++;
    }

    /// <summary>An allocation that returned <paramref name="ptr"/> (0x0: it failed when recorded, nothing to replay).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Allocate(ulong ptr, ulong size, ulong alignment, long lineNumber)
    {
        if (ptr == 0)
        {
            Counters.IgnoredLines++;
            return;
        }
        if (_slots.TryRemove(ptr, out int old))
        {
            Counters.LivePointersReused++;
            Emit(new TraceOp(TraceOpKind.Free, old, 0, 0, null, null, lineNumber));
        }
        Emit(new TraceOp(TraceOpKind.Allocate, _slots.Add(ptr), size, alignment, null, null, lineNumber));
    }
}
