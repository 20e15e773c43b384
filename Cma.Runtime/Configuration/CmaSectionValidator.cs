using System.Diagnostics;
using Cma.Runtime.Mapping;
using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>
/// Validates a bound <c>Cma</c> section as text and turns it into <see cref="CmaOptions"/>, recording every
/// problem rather than stopping at the first: unknown keys (with a "did you mean"), values that do not parse or
/// are out of range, missing required values, unknown allocators, overlapping regions, map rules naming
/// regions that do not exist. Fields the raw JSON check already blamed are not blamed twice.
/// </summary>
internal sealed class CmaSectionValidator
{
    /// <summary>The keys the <c>Cma</c> section may hold.</summary>
    private static readonly string[] s_topKeys = ["Granule", "DefaultAllocator", "PlacementBase", "Plugins", "Regions", "Map", "CommandLine"];

    /// <summary>Where problems go; shared with the raw JSON check that may have run before.</summary>
    private readonly ConfigProblems _problems;

    /// <summary>Reads fields as text into <see cref="_problems"/>.</summary>
    private readonly ConfigFieldReader _fields;

    /// <summary>The provider names the catalog loaded, as the catalog spells them.</summary>
    private readonly IReadOnlyCollection<string> _knownAllocators;

    /// <summary>The configuration as read: its section, prefix, base folder and plugin settings (read already).</summary>
    private readonly CmaConfigurationSource _source;

    /// <summary>The full path of the section being validated (<c>Cma</c>), the prefix of every field.</summary>
    private readonly string _prefix;

    /// <summary>The default allocator as written (or <c>best-fit</c>); set before any region is read.</summary>
    private string _defaultAllocator = CmaOptions.DefaultAllocatorName;

    /// <summary>The default allocator as the catalog spells it, or null when it is not loaded.</summary>
    private string? _defaultAllocatorResolved;

    /// <summary>Whether the unknown default allocator has been reported (it is reported once).</summary>
    private bool _defaultAllocatorReported;

    /// <summary>Creates a validator for one section.</summary>
    public CmaSectionValidator(ConfigProblems problems, IReadOnlyCollection<string> knownAllocators, CmaConfigurationSource source)
    {
        Debug.Assert(source.Section is not null);
        _problems = problems;
        _fields = new ConfigFieldReader(problems);
        _knownAllocators = knownAllocators;
        _source = source;
        _prefix = source.Prefix;
    }

    /// <summary>Validates the source's section; returns the options when no problem at all was found (including
    /// problems recorded before this call).</summary>
    public CmaOptions? Validate()
    {
        IConfiguration cma = _source.Section!;
        if (!cma.GetChildren().Any())
        {
            if (!_problems.HasExactly(_prefix))
                _problems.Add(_prefix, $"there is no '{_prefix}' section (or it is empty); add \"{_prefix}\": {{ \"Regions\": [ {{ \"Name\": \"common\", \"Size\": \"64M\" }} ] }} to the configuration.");
            return null;
        }
        _fields.CheckKeys(cma, _prefix, s_topKeys, $"the {_prefix} section");
        ulong granule = _fields.ReadGranule(cma.GetSection("Granule"), _prefix + ":Granule") ?? CmaOptions.DefaultGranule;
        ulong placementBase = _fields.ReadSize(cma.GetSection("PlacementBase"), _prefix + ":PlacementBase") ?? CmaOptions.DefaultPlacementBase;
        ReadDefaultAllocator(cma);
        _problems.AddRange(_source.PluginProblems);   // Plugins was read (once) before the catalog loaded

        KernelCommandLine? commandLine = null;
        string? commandLineText = _fields.ReadScalar(cma.GetSection("CommandLine"), _prefix + ":CommandLine", "a string");
        if (commandLineText is not null)
            commandLine = KernelCommandLine.Parse(commandLineText, _prefix + ":CommandLine", granule, ResolveAllocator, _problems);

        var declaredNames = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyList<RegionOptions> unplaced = commandLine?.Regions is { } fromCommandLine
            ? fromCommandLine
            : new RegionSectionReader(_fields, granule, ResolveAllocator, _source.BaseDirectory).Read(cma.GetSection("Regions"), _prefix + ":Regions", declaredNames);
        foreach (RegionOptions d in unplaced)
            declaredNames.Add(d.Name);
        ReportSharedBackingPaths(unplaced);
        List<RegionOptions> regions = RegionLayout.Place(unplaced, placementBase, _prefix + ":PlacementBase", _problems);

        var map = new MapSectionReader(_fields);
        if (commandLine?.Map is { } mapText)
            map.ReadText(mapText, _prefix + ":CommandLine (cma.map=)");
        else
            map.ReadSection(cma.GetSection("Map"), _prefix + ":Map");
        map.CheckRegionsExist(declaredNames);

        if (_problems.Count > 0)
            return null;
        string[] names = new string[regions.Count];
        for (int i = 0; i < names.Length; i++)
            names[i] = regions[i].Name;
        DeviceMap deviceMap = map.Rules.Count > 0 ? new DeviceMap(map.Rules) : DeviceMap.CatchAll(names);
        return new CmaOptions(regions, deviceMap);
    }

    /// <summary>Reports a region whose File or Shared backing file another region already maps: two allocators would
    /// hand out the same bytes.</summary>
    private void ReportSharedBackingPaths(IReadOnlyList<RegionOptions> unplaced)
    {
        var owner = new Dictionary<string, RegionOptions>(StringComparer.Ordinal);
        foreach (RegionOptions d in unplaced)
        {
            if (d.Memory.BackingPath is not { } path)
                continue;
            if (owner.TryGetValue(path, out RegionOptions? first))
                _problems.Add(d.Field + ":BackingPath", $"region '{d.Name}' maps '{path}', which region '{first.Name}' ({first.Field}) already maps; two regions over one file would hand out the same bytes. Give each region its own BackingPath.");
            else
                owner.Add(path, d);
        }
    }

    /// <summary>Reads <c>DefaultAllocator</c>; an explicit unknown name is reported now, the implicit
    /// <c>best-fit</c> only when a region uses it.</summary>
    private void ReadDefaultAllocator(IConfiguration cma)
    {
        string field = _prefix + ":DefaultAllocator";
        string? text = _fields.ReadScalar(cma.GetSection("DefaultAllocator"), field, FieldShape.AllocatorName);
        if (text is not null)
            _defaultAllocator = text.Trim();
        _defaultAllocatorResolved = FindAllocator(_defaultAllocator);
        if (text is not null && _defaultAllocatorResolved is null && !_problems.Has(field))
        {
            _problems.Add(field, UnknownAllocator(_defaultAllocator));
            _defaultAllocatorReported = true;
        }
    }

    /// <summary>The allocator a region uses: <paramref name="name"/> as the catalog spells it, or the default when
    /// null; null (and a problem recorded) when that allocator is not loaded.</summary>
    private string? ResolveAllocator(string? name, string field, string region)
    {
        if (name is null)
        {
            if (_defaultAllocatorResolved is null && !_defaultAllocatorReported)
            {
                _problems.Add(_prefix + ":DefaultAllocator", $"region '{region}' names no Allocator, so it uses the default, but {UnknownAllocator(_defaultAllocator)} Or give the region an Allocator.");
                _defaultAllocatorReported = true;
            }
            return _defaultAllocatorResolved;
        }
        string? found = FindAllocator(name);
        if (found is null)
            _problems.Add(field, $"region '{region}': {UnknownAllocator(name)}");
        return found;
    }

    /// <summary>The loaded allocator called <paramref name="name"/> (ignoring case), as the catalog spells it.</summary>
    private string? FindAllocator(string name)
    {
        foreach (string known in _knownAllocators)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
                return known;
        }
        return null;
    }

    /// <summary>The message for an allocator name that no loaded plugin provides.</summary>
    private string UnknownAllocator(string name) => AllocatorNotLoaded.Message(name, _knownAllocators);
}
