using System.Diagnostics.CodeAnalysis;

namespace Cma.Runtime.Mapping;

/// <summary>
/// Parses map rule text (RFC v4 grammar): <c>rules ::= rule [';' rules] [';']</c>,
/// <c>rule ::= patterns '=' regions</c>, <c>patterns ::= pattern [',' patterns]</c>,
/// <c>pattern ::= dev-pattern ['/' TYPE] | '/' TYPE</c>, <c>regions ::= name [',' regions]</c>.
/// Whitespace around separators is ignored. Each bad rule gives one message naming it and the fix.
/// </summary>
internal static class MapRuleParser
{
    /// <summary>The fix for a map with no rules.</summary>
    public const string EmptyMapFix =
        "add a rule such as '*=common' or remove Map (without Map every device is served from every region in order).";

    /// <summary>The message for a map with no rules at all.</summary>
    public const string EmptyMapMessage = "the map has no rules; " + EmptyMapFix;

    /// <summary>Parses <paramref name="text"/> (one rule or several separated by <c>;</c>, a trailing <c>;</c>
    /// allowed), appending good rules to <paramref name="rules"/> and one message per bad rule to
    /// <paramref name="errors"/>.</summary>
    public static void ParseRules(string text, List<MapRule> rules, List<string> errors)
    {
        string[] parts = text.Split(';');
        int count = parts.Length;
        if (count > 1 && parts[^1].Trim().Length == 0)
            count--;   // a trailing ';' is allowed by the grammar
        for (int i = 0; i < count; i++)
        {
            if (TryParseRule(parts[i].Trim(), isFirstRule: rules.Count == 0, out MapRule? rule, out string? error))
                rules.Add(rule);
            else
                errors.Add(error);
        }
    }

    /// <summary>Parses one rule.</summary>
    private static bool TryParseRule(string text, bool isFirstRule, [NotNullWhen(true)] out MapRule? rule,
        [NotNullWhen(false)] out string? error)
    {
        rule = null;
        if (text.Length == 0)
        {
            error = "a map rule is empty (check for ';;' or an empty string); write rules as patterns=regions, e.g. '*=common'.";
            return false;
        }
        int eq = text.IndexOf('=');
        if (eq < 0)
        {
            error = $"map rule '{text}' has no '='; write it as patterns=regions, e.g. '{text}=common'.";
            return false;
        }
        if (text.IndexOf('=', eq + 1) >= 0)
        {
            error = $"map rule '{text}' has more than one '='; write one rule as patterns=regions and separate rules with ';'.";
            return false;
        }
        var patterns = new List<MapPattern>();
        foreach (string part in text[..eq].Split(','))
        {
            if (!TryParsePattern(text, part.Trim(), out MapPattern? pattern, out error))
                return false;
            patterns.Add(pattern);
        }
        if (isFirstRule && patterns[0].Device is null)
        {
            error = $"map rule '{text}' starts the map with '{patterns[0]}', a type-only pattern with no device pattern before it to reuse the match of, so it never matches; write a device before it, e.g. 'video{patterns[0]}'.";
            return false;
        }
        if (!TryParseRegions(text, text[(eq + 1)..], out List<string>? regions, out error))
            return false;
        rule = new MapRule(patterns, regions);
        return true;
    }

    /// <summary>Parses one pattern of <paramref name="rule"/>.</summary>
    private static bool TryParsePattern(string rule, string text, [NotNullWhen(true)] out MapPattern? pattern,
        [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        if (text.Length == 0)
        {
            error = $"map rule '{rule}' has an empty pattern; remove the stray ',' or write a device pattern such as 'video' or '*' before '='.";
            return false;
        }
        if (ContainsWhitespace(text))
        {
            error = $"map rule '{rule}' has a pattern with a space in it ('{text}'); device and type names have no spaces.";
            return false;
        }
        int slash = text.IndexOf('/');
        string? device = slash < 0 ? text : slash == 0 ? null : text[..slash];
        string? type = slash < 0 ? null : text[(slash + 1)..];
        if (type is { Length: 0 })
        {
            error = $"map rule '{rule}' has pattern '{text}' with an empty type; write '{device}' to match every type or '{device}/TYPE' for one.";
            return false;
        }
        if (type is not null && type.Contains('/'))
        {
            error = $"map rule '{rule}' has pattern '{text}' with more than one '/'; a pattern is device[/type].";
            return false;
        }
        pattern = new MapPattern(device, type);
        error = null;
        return true;
    }

    /// <summary>Parses the region list of <paramref name="rule"/>.</summary>
    private static bool TryParseRegions(string rule, string text, [NotNullWhen(true)] out List<string>? regions,
        [NotNullWhen(false)] out string? error)
    {
        regions = null;
        if (text.Trim().Length == 0)
        {
            error = $"map rule '{rule}' names no regions; list at least one region after '=', e.g. '{rule.TrimEnd('=', ' ')}=common'.";
            return false;
        }
        var names = new List<string>();
        foreach (string part in text.Split(','))
        {
            string name = part.Trim();
            if (name.Length == 0)
            {
                error = $"map rule '{rule}' has an empty region name in its list; remove the stray ','.";
                return false;
            }
            if (!RegionName.IsValid(name))
            {
                error = $"map rule '{rule}' names region '{name}', which is not a valid region name ({RegionName.Rule}).";
                return false;
            }
            if (names.Contains(name))
            {
                error = $"map rule '{rule}' lists region '{name}' twice; list each region once, in the order to try them.";
                return false;
            }
            names.Add(name);
        }
        regions = names;
        error = null;
        return true;
    }

    /// <summary>Whether <paramref name="text"/> contains a whitespace character.</summary>
    private static bool ContainsWhitespace(string text)
    {
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
                return true;
        }
        return false;
    }
}
