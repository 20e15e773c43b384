using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Host.Workloads;

/// <summary>
/// Cma's own trace format: <c>a &lt;id&gt; &lt;size&gt; [&lt;align&gt;] [@&lt;device&gt;[/&lt;type&gt;]]</c> and
/// <c>f &lt;id&gt;</c>, one a line, <c>#</c> comments (a leading <c># region &lt;size&gt;</c> gives the region size). Sizes
/// and alignments take K/M/G and hex. Allocating a live id again, or freeing an id that is not live (never allocated,
/// or already freed), is a malformed line.
/// </summary>
internal sealed class CmaTraceReader : LineTraceReader
{
    /// <summary>The longest device or type name (a map pattern names a device in a few characters).</summary>
    public const int MaxNameLength = 256;

    /// <summary>The most distinct device and type names in one trace: each becomes a row of the replay's table, so a
    /// trace inventing a name per line would flood memory and the screen.</summary>
    public const int MaxNames = 4096;

    /// <summary>Live ids and their slots.</summary>
    private readonly SlotTable<string> _slots = new(StringComparer.Ordinal);

    /// <summary>Span lookup into <see cref="_slots"/>, so that a free allocates nothing.</summary>
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _liveBySpan;

    /// <summary>Device and type names seen, interned so each op shares one string.</summary>
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>Span lookup into <see cref="_names"/>.</summary>
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _namesBySpan;

    public CmaTraceReader(TraceLineReader lines, string file, bool lenient)
        : base(lines, file, lenient)
    {
        _liveBySpan = _slots.Live.GetAlternateLookup<ReadOnlySpan<char>>();
        _namesBySpan = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override string? ParseLine(ReadOnlySpan<char> line, long lineNumber)
    {
        int hash = line.IndexOf('#');
        if (hash >= 0)
            line = line[..hash];
        ReadOnlySpan<char> rest = line;
        if (!TraceTokens.Next(ref rest, out ReadOnlySpan<char> verb))
            return null;
        if (!TraceTokens.Next(ref rest, out ReadOnlySpan<char> id))
            return $"{TraceTokens.Quote(verb)} needs an id";
        if (verb is "f")
        {
            if (TraceTokens.Next(ref rest, out ReadOnlySpan<char> extra))
                return $"unexpected {TraceTokens.Quote(extra)} after the id of 'f'";
            if (!_liveBySpan.Remove(id, out _, out int slot))
                return $"frees id {TraceTokens.Quote(id)}, which is not live: the trace never allocated it, or freed it already";
            _slots.Release(slot);
            Emit(new TraceOp(TraceOpKind.Free, slot, 0, 0, null, null, lineNumber));
            return null;
        }
        if (verb is not "a")
            return $"unknown operation {TraceTokens.Quote(verb)}; expected 'a <id> <size> [<align>] [@<device>[/<type>]]' or 'f <id>'";
        if (!TraceTokens.Next(ref rest, out ReadOnlySpan<char> sizeText) || sizeText[0] == '@')
            return $"allocation {TraceTokens.Quote(id)} needs a size";
        if (!TraceTokens.TryParseSize(sizeText, out ulong size))
            return $"{TraceTokens.Quote(sizeText)} is not a size (e.g. 4096, 64K, 0x1000)";
        ulong alignment = 0;
        string? device = null, type = null;
        while (TraceTokens.Next(ref rest, out ReadOnlySpan<char> token))
        {
            if (token[0] == '@' && device is null)
            {
                if (ParseOwner(token, out device, out type) is { } error)
                    return error;
            }
            else if (alignment == 0 && device is null && TraceTokens.TryParseSize(token, out alignment))
            {
                if (!BitOperations.IsPow2(alignment))
                    return $"alignment {TraceTokens.Quote(token)} is not a power of two";
            }
            else
            {
                return $"unexpected {TraceTokens.Quote(token)}; expected 'a <id> <size> [<align>] [@<device>[/<type>]]'";
            }
        }
        if (_liveBySpan.ContainsKey(id))
            return $"allocates id {TraceTokens.Quote(id)}, which is still live; free it first or use another id";
        int newSlot = _slots.Add(id.ToString());
        Emit(new TraceOp(TraceOpKind.Allocate, newSlot, size, alignment, device, type, lineNumber));
        return null;
    }

    /// <summary>Splits <c>@device[/type]</c> into interned names.</summary>
    private string? ParseOwner(ReadOnlySpan<char> token, out string? device, out string? type)
    {
        device = type = null;
        ReadOnlySpan<char> owner = token[1..];
        int slash = owner.IndexOf('/');
        ReadOnlySpan<char> d = slash < 0 ? owner : owner[..slash];
        ReadOnlySpan<char> t = slash < 0 ? default : owner[(slash + 1)..];
        if (d.IsEmpty || (slash >= 0 && t.IsEmpty))
            return $"{TraceTokens.Quote(token)} is not a device; write @device or @device/type";
        if (d.Length > MaxNameLength || t.Length > MaxNameLength)
            return $"{TraceTokens.Quote(token)} names a device or type longer than {MaxNameLength} characters";
        int added = (_namesBySpan.ContainsKey(d) ? 0 : 1) + (t.IsEmpty || t.SequenceEqual(d) || _namesBySpan.ContainsKey(t) ? 0 : 1);
        if (_names.Count + added > MaxNames)
            return $"{TraceTokens.Quote(token)} would be past the {MaxNames.ToString("N0", CultureInfo.InvariantCulture)} distinct device and type names a trace may use";
        device = Intern(d);
        type = slash < 0 ? null : Intern(t);
        return null;
    }

    private string Intern(ReadOnlySpan<char> name)
    {
        if (!_namesBySpan.TryGetValue(name, out string? interned))
        {
            interned = name.ToString();
            _names.Add(interned, interned);
        }
        return interned;
    }
}
