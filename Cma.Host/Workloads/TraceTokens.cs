using System.Globalization;
using System.Runtime.CompilerServices;

namespace Cma.Host.Workloads;

/// <summary>
/// Span helpers the readers share: whitespace tokens, sizes with K/M/G suffixes or hex (as <see cref="CmaSize"/>
/// reads them, without allocating), and plain hex pointers.
/// </summary>
internal static class TraceTokens
{
    /// <summary>Takes the next whitespace-separated token from <paramref name="rest"/>; false when none is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Next(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> token)
    {
        rest = rest.TrimStart();
        if (rest.IsEmpty)
        {
            token = default;
            return false;
        }
        int end = rest.IndexOfAny(' ', '\t');
        if (end < 0)
            end = rest.Length;
        token = rest[..end];
        rest = rest[end..];
        return true;
    }

    /// <summary>Parses a size: decimal with an optional K/M/G/T suffix (optionally followed by B or iB), or 0x hex.
    /// E.g. <c>64K</c> → 65536, <c>0x1000</c> → 4096, <c>1.5M</c> fails.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseSize(ReadOnlySpan<char> s, out ulong bytes)
    {
        bytes = 0;
        if (s.Length > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
            return ulong.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes);
        if (s.EndsWith("iB", StringComparison.OrdinalIgnoreCase))
            s = s[..^2];
        else if (s.Length > 1 && (s[^1] == 'B' || s[^1] == 'b') && char.IsAsciiLetter(s[^2]))
            s = s[..^1];
        int shift = 0;
        if (s.Length > 0)
        {
            shift = char.ToUpperInvariant(s[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 };
            if (shift != 0)
                s = s[..^1];
        }
        if (s.IsEmpty || !ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
            return false;
        if (shift != 0 && value > ulong.MaxValue >> shift)
            return false;
        bytes = value << shift;
        return true;
    }

    /// <summary>Parses a pointer written as <c>0x…</c> hex (Android dumps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParsePointer(ReadOnlySpan<char> s, out ulong pointer)
    {
        if (s.Length > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
            s = s[2..];
        return ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out pointer);
    }

    /// <summary>How many characters of a bad token a message quotes.</summary>
    public const int QuotedLength = 40;

    /// <summary>A token for a message, in quotes: control characters shown as <c>?</c>, and a token longer than
    /// <see cref="QuotedLength"/> cut there with its length (<c>'QQQQ…' (2,000,000 characters)</c>), so that a hostile
    /// line can flood neither standard error nor the terminal.</summary>
    public static string Quote(ReadOnlySpan<char> token) =>
        token.Length <= QuotedLength
            ? "'" + Printable(token) + "'"
            : $"'{Printable(token[..QuotedLength])}…' ({token.Length.ToString("N0", CultureInfo.InvariantCulture)} characters)";

    /// <summary>The start of a text too long to hold, in quotes and cut at <see cref="QuotedLength"/>: <c>'QQQQ…'</c>.</summary>
    public static string QuoteStart(ReadOnlySpan<char> text) =>
        text.Length <= QuotedLength ? "'" + Printable(text) + "'" : "'" + Printable(text[..QuotedLength]) + "…'";

    /// <summary>The text with control characters (a terminal's escape sequences, NULs of a binary file) as <c>?</c>.</summary>
    private static string Printable(ReadOnlySpan<char> text)
    {
        Span<char> copy = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        for (int i = 0; i < text.Length; i++)
            copy[i] = char.IsControl(text[i]) ? '?' : text[i];
        return copy.ToString();
    }

    /// <summary>Parses a plain non-negative decimal integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseDecimal(ReadOnlySpan<char> s, out ulong value) =>
        ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
