namespace Cma.Runtime.Mapping;

/// <summary>
/// The map from devices to regions (RFC v4 grammar, <c>reference/cma-rfc-notes.md</c> §1): rules
/// <c>patterns=regions</c> tried in order, the first matching rule wins, and its regions are the fallback order.
/// A device asked for without a type asks for type <c>common</c>. Immutable, so safe to share between threads.
/// Made by the configuration's map reader (<c>Cma.Runtime.Configuration.MapSectionReader</c>), or as the catch-all.
/// </summary>
internal sealed class DeviceMap
{
    /// <summary>The type a device asks for when it names none (RFC v4: a NULL type is "common").</summary>
    public const string CommonType = "common";

    /// <summary>Creates a map from parsed rules; the list is non-empty.</summary>
    internal DeviceMap(IReadOnlyList<MapRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.Count == 0)
            throw new ArgumentException("A map needs at least one rule.", nameof(rules));
        _rules = [.. rules];
    }

    /// <summary>The rules in the order they are tried; never empty.</summary>
    private readonly MapRule[] _rules;

    /// <summary>The rules in the order they are tried.</summary>
    public IReadOnlyList<MapRule> Rules => _rules;

    /// <summary>The catch-all map used when the configuration has none: <c>*=&lt;every region in order&gt;</c>.</summary>
    public static DeviceMap CatchAll(IReadOnlyList<string> regions) =>
        new([new MapRule([new MapPattern("*", null)], regions)]);

    /// <summary>
    /// The index of the first rule that matches <paramref name="device"/> asking for <paramref name="type"/>,
    /// or -1 when none does (the RFC's -ENOENT, "no rule", distinct from "no space"). A null or empty type means
    /// <c>common</c>. Allocation-free.
    /// </summary>
    public int FindRule(string device, string? type)
    {
        ArgumentNullException.ThrowIfNull(device);
        string wanted = string.IsNullOrEmpty(type) ? CommonType : type;
        // Whether the device matched the last pattern that had a device part; a '/type' pattern reuses it,
        // across rule boundaries too (RFC v4 __cma_where_from).
        bool deviceMatched = false;
        MapRule[] rules = _rules;
        for (int r = 0; r < rules.Length; r++)
        {
            MapPattern[] patterns = rules[r].PatternArray;
            for (int p = 0; p < patterns.Length; p++)
            {
                MapPattern pattern = patterns[p];
                if (pattern.Device is not null)
                    deviceMatched = pattern.MatchesDevice(device);
                if (deviceMatched && pattern.MatchesType(wanted))
                    return r;
            }
        }
        return -1;
    }

    /// <summary>The regions of the first matching rule, or null when no rule matches.</summary>
    public IReadOnlyList<string>? FindRegions(string device, string? type)
    {
        int rule = FindRule(device, type);
        return rule < 0 ? null : _rules[rule].Regions;
    }

    /// <summary>The map in canonical form, rules separated by <c>;</c>: <c>video/a=a;/b=b;*=common</c>.</summary>
    public override string ToString() => string.Join(';', (IEnumerable<MapRule>)_rules);
}
