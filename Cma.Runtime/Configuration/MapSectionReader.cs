using Cma.Runtime.Mapping;
using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>
/// Reads <c>Map</c> (an array of rule strings, or one string of rules separated by <c>;</c>) or the command
/// line's <c>cma.map=</c> into rules, remembering which field each rule came from, and checks that every
/// region a rule names exists. A missing Map gives no rules (the caller then uses the catch-all); an empty one
/// is a problem.
/// </summary>
internal sealed class MapSectionReader
{
    /// <summary>Reads fields and records problems.</summary>
    private readonly ConfigFieldReader _fields;

    /// <summary>The rules read so far, in order.</summary>
    private readonly List<MapRule> _rules = [];

    /// <summary>The field each rule of <see cref="_rules"/> came from (same index).</summary>
    private readonly List<string> _ruleFields = [];

    /// <summary>Creates a reader.</summary>
    public MapSectionReader(ConfigFieldReader fields) => _fields = fields;

    /// <summary>The rules read, in order; empty when there was no map.</summary>
    public IReadOnlyList<MapRule> Rules => _rules;

    /// <summary>Reads the JSON/configuration form of <c>Map</c>.</summary>
    public void ReadSection(IConfigurationSection map, string field)
    {
        if (!map.Exists() || _fields.Problems.HasExactly(field))
            return;
        if (map.Value is not null && !map.GetChildren().Any())
        {
            ReadText(map.Value, field);
            return;
        }
        int before = _rules.Count;
        foreach (IConfigurationSection item in _fields.ArrayItems(map, field))
        {
            string itemField = field + ":" + item.Key;
            string? text = _fields.ReadScalar(item, itemField, FieldShape.MapRule);
            if (text is not null)
                Parse(text, itemField);
        }
        if (_rules.Count == before && !_fields.Problems.Has(field))
            _fields.Problems.Add(field, MapRuleParser.EmptyMapMessage);
    }

    /// <summary>Reads rules written as one string (<c>Map</c> as a string, or <c>cma.map=</c>).</summary>
    public void ReadText(string text, string field)
    {
        if (text.Trim().Trim(';').Length == 0)
        {
            _fields.Problems.Add(field, MapRuleParser.EmptyMapMessage);
            return;
        }
        Parse(text, field);
    }

    /// <summary>Reports each rule that names a region not in <paramref name="regions"/>.</summary>
    public void CheckRegionsExist(IReadOnlyCollection<string> regions)
    {
        for (int r = 0; r < _rules.Count; r++)
        {
            foreach (string name in _rules[r].Regions)
            {
                if (regions.Contains(name))
                    continue;
                string list = regions.Count == 0 ? "none" : string.Join(", ", regions);
                _fields.Problems.Add(_ruleFields[r], $"map rule '{_rules[r]}' names region '{name}', which is not configured.{NameSuggestion.Hint(name, regions)} Configured regions: {list}. Fix the name or add the region.");
            }
        }
    }

    /// <summary>Parses rules from <paramref name="text"/>, attributing them and their errors to <paramref name="field"/>.</summary>
    private void Parse(string text, string field)
    {
        var errors = new List<string>();
        MapRuleParser.ParseRules(text, _rules, errors);
        while (_ruleFields.Count < _rules.Count)
            _ruleFields.Add(field);
        foreach (string error in errors)
            _fields.Problems.Add(field, error);
    }
}
