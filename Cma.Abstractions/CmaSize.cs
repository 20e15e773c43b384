using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Cma;

/// <summary>
/// Parses and formats byte counts the way Cma's configuration and traces write them: a decimal number with an
/// optional binary suffix (<c>K</c>, <c>M</c>, <c>G</c>, <c>T</c>, optionally followed by <c>B</c> or <c>iB</c>;
/// case-insensitive), or a hexadecimal number with <c>0x</c> (<c>"64M"</c>, <c>"0x50000000"</c>, <c>"4096"</c>).
/// </summary>
public static class CmaSize
{
    /// <summary>Parses a size. Overflow past 2^64 - 1, a sign, an empty string or any other text fails.</summary>
    /// <param name="text">The text, e.g. <c>"64M"</c>.</param>
    /// <param name="bytes">The value in bytes when the method returns <see langword="true"/>.</param>
    /// <returns>Whether <paramref name="text"/> is a valid size.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out ulong bytes)
    {
        bytes = 0;
        if (text is null)
            return false;
        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.Length == 0)
            return false;
        if (s.Length > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
            return ulong.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes);

        int shift = 0;
        if (s.EndsWith("iB", StringComparison.OrdinalIgnoreCase))
            s = s[..^2];
        else if (s.Length > 1 && (s[^1] == 'B' || s[^1] == 'b') && char.IsLetter(s[^2]))
            s = s[..^1];
        if (s.Length > 0)
        {
            shift = char.ToUpperInvariant(s[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 };
            if (shift != 0)
                s = s[..^1];
        }
        if (s.Length == 0 || !char.IsAsciiDigit(s[0]))
            return false;
        if (!ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
            return false;
        if (shift != 0 && value > ulong.MaxValue >> shift)
            return false;
        bytes = value << shift;
        return true;
    }

    /// <summary>Formats a byte count with the largest binary suffix that divides it exactly
    /// (e.g. 1048576 → <c>1M</c>, 6144 → <c>6K</c>, 1000 → <c>1000</c>).</summary>
    /// <param name="bytes">The byte count.</param>
    /// <returns>The text, which <see cref="TryParse"/> reads back to the same value.</returns>
    public static string Format(ulong bytes)
    {
        if (bytes == 0)
            return "0";
        foreach ((int shift, char suffix) in s_suffixes)
        {
            if ((bytes & ((1UL << shift) - 1)) == 0)
                return (bytes >> shift).ToString(CultureInfo.InvariantCulture) + suffix;
        }
        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Formats a byte count for people, with one decimal where needed (e.g. 1536 → <c>1.5 KiB</c>).</summary>
    /// <param name="bytes">The byte count.</param>
    /// <returns>The text.</returns>
    public static string FormatApproximate(ulong bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0
            ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
            : value.ToString(value >= 100 || value == Math.Floor(value) ? "0" : "0.#", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    /// <summary>Largest suffix first.</summary>
    private static readonly (int Shift, char Suffix)[] s_suffixes = [(40, 'T'), (30, 'G'), (20, 'M'), (10, 'K')];
}
