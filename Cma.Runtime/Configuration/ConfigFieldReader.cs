using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>
/// Reads configuration fields as text and converts them, recording a problem (field, value, fix) for each that
/// is wrong, and skipping fields the raw JSON check already blamed. Every read returns null when the field is
/// absent or wrong, so callers fall back to a default only to keep going: any problem fails the load.
/// </summary>
internal sealed class ConfigFieldReader
{
    /// <summary>Where problems go.</summary>
    private readonly ConfigProblems _problems;

    /// <summary>Creates a reader recording into <paramref name="problems"/>.</summary>
    public ConfigFieldReader(ConfigProblems problems) => _problems = problems;

    /// <summary>The problems recorded so far (also by others).</summary>
    public ConfigProblems Problems => _problems;

    /// <summary>The value of a field that must be a single value; null when absent, when it is an object or
    /// array (a problem recorded), or when the field was already blamed.</summary>
    public string? ReadScalar(IConfigurationSection section, string field, string expected)
    {
        if (_problems.Has(field))
            return null;
        if (section.GetChildren().Any())
        {
            _problems.Add(field, $"expected {expected}; found an object or array.");
            return null;
        }
        return section.Value;
    }

    /// <summary>Reads a true/false field; null when absent or wrong (a problem recorded).</summary>
    public bool? ReadBool(IConfigurationSection section, string field)
    {
        string? text = ReadScalar(section, field, "true or false");
        if (text is null)
            return null;
        if (bool.TryParse(text.Trim(), out bool value))
            return value;
        _problems.Add(field, $"'{text}' is not true or false; write true or false.");
        return null;
    }

    /// <summary>Whether <paramref name="section"/> may be read as an object or array: false (and a problem
    /// recorded, unless already blamed) when it holds a single value instead.</summary>
    public bool ExpectStructure(IConfigurationSection section, string field, string expected)
    {
        if (_problems.HasExactly(field))
            return false;   // the raw JSON check found the wrong type here; its children would only add noise
        if (section.Value is null || section.GetChildren().Any())
            return true;
        _problems.Add(field, $"'{section.Value}' is a single value; expected {expected}.");
        return false;
    }

    /// <summary>Whether <paramref name="text"/> is written like a size (digits, hex, an optional suffix), so that a parse
    /// failure can only be an overflow.</summary>
    private static bool LooksLikeANumber(string text)
    {
        string t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return t.Length > 2 && t[2..].All(Uri.IsHexDigit);
        t = t.TrimEnd('B', 'b', 'i').TrimEnd('K', 'k', 'M', 'm', 'G', 'g', 'T', 't');
        return t.Length > 0 && t.All(char.IsAsciiDigit);
    }

    /// <summary>Reads a size field; null when absent or wrong.</summary>
    public ulong? ReadSize(IConfigurationSection section, string field)
    {
        string? text = ReadScalar(section, field, "a size such as \"64M\"");
        if (text is null)
            return null;
        if (!CmaSize.TryParse(text, out ulong value))
        {
            if (LooksLikeANumber(text))
            {
                _problems.Add(field, $"'{text}' is larger than the 64-bit address space (2^64 - 1 bytes); give a smaller size.");
                return null;
            }
            _problems.Add(field, $"'{text}' is not a size; write a whole number of bytes, a number with K, M, G or T (\"64M\"), or hex (\"0x1000\").");
            return null;
        }
        return value;
    }

    /// <summary>Reads a granule field: a power of two.</summary>
    public ulong? ReadGranule(IConfigurationSection section, string field)
    {
        ulong? granule = ReadSize(section, field);
        if (granule is ulong g && !BitOperations.IsPow2(g))
        {
            _problems.Add(field, $"{Describe(g)} is not a power of two; a granule is a power of two such as 4K (the default) or 64K.");
            return null;
        }
        return granule;
    }

    /// <summary>Reports every child key of <paramref name="section"/> not in <paramref name="known"/>, with a
    /// "did you mean".</summary>
    public void CheckKeys(IConfiguration section, string field, string[] known, string where)
    {
        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (Array.Exists(known, k => string.Equals(k, child.Key, StringComparison.OrdinalIgnoreCase)))
                continue;
            string childField = field + ":" + child.Key;
            if (!_problems.Has(childField))
                _problems.Add(childField, $"unknown key '{child.Key}' in {where}.{NameSuggestion.Hint(child.Key, known)} Known keys: {string.Join(", ", known)}.");
        }
    }

    /// <summary>The children of an array section in index order; a key that is not an index is reported.</summary>
    public List<IConfigurationSection> ArrayItems(IConfigurationSection section, string field)
    {
        var items = new List<IConfigurationSection>();
        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                items.Add(child);
            else if (!_problems.Has(field))
                _problems.Add(field, $"expected an array, but it has the key '{child.Key}'; write a JSON array [ ... ] (in environment variables, use indexes: {CmaConfigurationLoader.EnvironmentPrefix}{field.Replace(":", "__", StringComparison.Ordinal)}__0).");
        }
        return items;
    }

    /// <summary>A byte count for messages: <c>3000 (0xBB8)</c>, <c>64M (0x4000000)</c>.</summary>
    public static string Describe(ulong bytes) => $"{CmaSize.Format(bytes)} (0x{bytes:X})";
}
