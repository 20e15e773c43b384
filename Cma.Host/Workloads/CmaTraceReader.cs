using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Host.Workloads;

/// <summary>
/// Cma's own trace format, one operation a line, <c>#</c> comments (a leading <c># region &lt;size&gt;</c> gives the
/// region size):
/// <list type="bullet">
/// <item><c>a|m|d &lt;id&gt; &lt;size&gt; [&lt;align&gt;] [@&lt;device&gt;[/&lt;type&gt;]]</c> allocates a contiguous chunk
/// (<c>a</c>), a movable chunk (<c>m</c>) or a discardable movable chunk (<c>d</c>);</item>
/// <item><c>f &lt;id&gt;</c> frees either kind (dropping any pins it still has);</item>
/// <item><c>p &lt;id&gt; [long]</c> pins a movable chunk (<c>long</c>: a long-term pin), <c>u &lt;id&gt;</c> drops one pin.</item>
/// </list>
/// Sizes and alignments take K/M/G and hex. Allocating a live id again, freeing, pinning or unpinning an id that is not
/// live (never allocated, or already freed), pinning or unpinning a contiguous (<c>a</c>) chunk, and unpinning a chunk
/// with no pin outstanding are malformed lines.
/// </summary>
internal sealed class CmaTraceReader : LineTraceReader
{
    /// <summary>The longest device or type name (a map pattern names a device in a few characters).</summary>
    public const int MaxNameLength = 256;

    /// <summary>The most distinct device and type names in one trace: each becomes a row of the replay's table, so a
    /// trace inventing a name per line would flood memory and the screen.</summary>
    public const int MaxNames = 4096;

    /// <summary>What the reader expects of an allocation line, for messages.</summary>
    private const string AllocationSyntax = "<id> <size> [<align>] [@<device>[/<type>]]";

    /// <summary>Live ids and their slots.</summary>
    private readonly SlotTable<string> _slots = new(StringComparer.Ordinal);

    /// <summary>Span lookup into <see cref="_slots"/>, so that a free allocates nothing.</summary>
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _liveBySpan;

    /// <summary>Device and type names seen, interned so each op shares one string.</summary>
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>Span lookup into <see cref="_names"/>.</summary>
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _namesBySpan;

    /// <summary>Per live slot: the verb that allocated it (<c>a</c>, <c>m</c> or <c>d</c>).</summary>
    private char[] _verbOf = new char[64];

    /// <summary>Per live slot: pins outstanding (movable chunks only; reset by the free).</summary>
    private int[] _pinsOf = new int[64];

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
        if (verb.Length == 1)
        {
            switch (verb[0])
            {
                case 'a':
                    return ParseAllocation(TraceOpKind.Allocate, 'a', id, rest, lineNumber);
                case 'f':
                    return ParseFree(id, rest, lineNumber);
                case 'm':
                    return ParseAllocation(TraceOpKind.AllocateMovable, 'm', id, rest, lineNumber);
                case 'd':
                    return ParseAllocation(TraceOpKind.AllocateDiscardable, 'd', id, rest, lineNumber);
                case 'p':
                    return ParsePin(id, rest, lineNumber);
                case 'u':
                    return ParseUnpin(id, rest, lineNumber);
            }
        }
        return $"unknown operation {TraceTokens.Quote(verb)}; expected 'a|m|d {AllocationSyntax}', 'f <id>', 'p <id> [long]' or 'u <id>'";
    }

    /// <summary>Parses the rest of an <c>a</c>, <c>m</c> or <c>d</c> line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private string? ParseAllocation(TraceOpKind kind, char verb, ReadOnlySpan<char> id, ReadOnlySpan<char> rest, long lineNumber)
    {
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
                return $"unexpected {TraceTokens.Quote(token)}; expected '{verb} {AllocationSyntax}'";
            }
        }
        if (_liveBySpan.ContainsKey(id))
            return $"allocates id {TraceTokens.Quote(id)}, which is still live; free it first or use another id";
        int slot = _slots.Add(id.ToString());
        if (slot >= _verbOf.Length)
        {
            Array.Resize(ref _verbOf, Math.Max(slot + 1, _verbOf.Length * 2));
            Array.Resize(ref _pinsOf, _verbOf.Length);
        }
        _verbOf[slot] = verb;
        _pinsOf[slot] = 0;
        Emit(new TraceOp(kind, slot, size, alignment, device, type, lineNumber));
        return null;
    }

    /// <summary>Parses the rest of an <c>f</c> line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private string? ParseFree(ReadOnlySpan<char> id, ReadOnlySpan<char> rest, long lineNumber)
    {
        if (TraceTokens.Next(ref rest, out ReadOnlySpan<char> extra))
            return $"unexpected {TraceTokens.Quote(extra)} after the id of 'f'";
        if (!_liveBySpan.Remove(id, out _, out int slot))
            return $"frees id {TraceTokens.Quote(id)}, which is not live: the trace never allocated it, or freed it already";
        _slots.Release(slot);
        Emit(new TraceOp(TraceOpKind.Free, slot, 0, 0, null, null, lineNumber));
        return null;
    }

    /// <summary>Parses the rest of a <c>p</c> line: <c>p &lt;id&gt;</c> or <c>p &lt;id&gt; long</c>.</summary>
    private string? ParsePin(ReadOnlySpan<char> id, ReadOnlySpan<char> rest, long lineNumber)
    {
        bool longTerm = false;
        if (TraceTokens.Next(ref rest, out ReadOnlySpan<char> word))
        {
            if (word is not "long" || TraceTokens.Next(ref rest, out word))
                return $"unexpected {TraceTokens.Quote(word)} after the id of 'p'; expected 'p <id>' or 'p <id> long'";
            longTerm = true;
        }
        if (MovableSlot('p', "pins", id, out int slot) is { } error)
            return error;
        if (_pinsOf[slot] == int.MaxValue)
            return $"pins id {TraceTokens.Quote(id)} more than {int.MaxValue.ToString("N0", CultureInfo.InvariantCulture)} times at once";
        _pinsOf[slot]++;
        Emit(new TraceOp(longTerm ? TraceOpKind.PinLongTerm : TraceOpKind.Pin, slot, 0, 0, null, null, lineNumber));
        return null;
    }

    /// <summary>Parses the rest of a <c>u</c> line.</summary>
    private string? ParseUnpin(ReadOnlySpan<char> id, ReadOnlySpan<char> rest, long lineNumber)
    {
        if (TraceTokens.Next(ref rest, out ReadOnlySpan<char> extra))
            return $"unexpected {TraceTokens.Quote(extra)} after the id of 'u'";
        if (MovableSlot('u', "unpins", id, out int slot) is { } error)
            return error;
        if (_pinsOf[slot] == 0)
            return $"unpins id {TraceTokens.Quote(id)}, which has no pin outstanding: each 'u' drops one pin taken by a 'p'";
        _pinsOf[slot]--;
        Emit(new TraceOp(TraceOpKind.Unpin, slot, 0, 0, null, null, lineNumber));
        return null;
    }

    /// <summary>Why <paramref name="id"/> cannot be pinned or unpinned (not live, or a contiguous chunk), or null with its
    /// <paramref name="slot"/>.</summary>
    private string? MovableSlot(char verb, string does, ReadOnlySpan<char> id, out int slot)
    {
        if (!_liveBySpan.TryGetValue(id, out slot))
            return $"{does} id {TraceTokens.Quote(id)}, which is not live: the trace never allocated it, or freed it already";
        char allocatedWith = _verbOf[slot];
        return allocatedWith == 'a'
            ? $"'{verb}' {does} movable chunks; id {TraceTokens.Quote(id)} was allocated with 'a', which stays where it is placed; allocate it with 'm' or 'd' to pin it"
            : null;
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
