namespace Cma.Runtime.Mapping;

/// <summary>
/// One map rule, <c>patterns=regions</c>: the rule matches a device and type when one of its patterns does
/// (tried in order), and then the device is served from <see cref="Regions"/>, tried in order (fallback).
/// </summary>
internal sealed class MapRule
{
    /// <summary>Creates a rule; both lists are non-empty.</summary>
    public MapRule(IReadOnlyList<MapPattern> patterns, IReadOnlyList<string> regions)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentNullException.ThrowIfNull(regions);
        if (patterns.Count == 0 || regions.Count == 0)
            throw new ArgumentException("A map rule needs at least one pattern and one region.");
        _patterns = [.. patterns];
        _regions = [.. regions];
    }

    /// <summary>The patterns in the order they are tried; never empty.</summary>
    private readonly MapPattern[] _patterns;

    /// <summary>The region names in fallback order; never empty.</summary>
    private readonly string[] _regions;

    /// <summary>The region names in the order they are tried.</summary>
    public IReadOnlyList<string> Regions => _regions;

    /// <summary>The patterns as an array, for allocation-free matching.</summary>
    internal MapPattern[] PatternArray => _patterns;

    /// <summary>The rule in canonical form: <c>camera,jpeg=c,common</c>.</summary>
    public override string ToString() => string.Join(',', (IEnumerable<MapPattern>)_patterns) + "=" + string.Join(',', _regions);
}
