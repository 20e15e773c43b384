using System.Numerics;
using Cma.Runtime.Mapping;
using Cma.Runtime.Memory;
using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>
/// Reads the JSON form of <c>Regions</c>: an array of region objects, strict (an unaligned size is an error, not
/// rounded as on the command line). Each region's fields are checked on their own and against each other
/// (size a multiple of the granule, alignment a power of two at least the granule, start a multiple of the
/// alignment, name unique); placement and overlap are <see cref="RegionLayout"/>'s.
/// </summary>
internal sealed class RegionSectionReader
{
    /// <summary>The keys a region object may hold.</summary>
    private static readonly string[] s_regionKeys = ["Name", "Size", "Start", "Alignment", "Allocator", "Granule", "Settings", .. RegionMemorySectionReader.Keys, .. RegionMovableSectionReader.Keys];

    /// <summary>Reads fields and records problems.</summary>
    private readonly ConfigFieldReader _fields;

    /// <summary>Resolves an allocator name (null: the default) for a region; null when it is not loaded (reported).</summary>
    private readonly Func<string?, string, string, string?> _resolveAllocator;

    /// <summary>The granule of regions that do not override it (a power of two).</summary>
    private readonly ulong _granule;

    /// <summary>Reads the real-memory keys (Backing and the debug options).</summary>
    private readonly RegionMemorySectionReader _memory;

    /// <summary>Creates a reader; relative <c>BackingPath</c>s resolve against <paramref name="baseDirectory"/>.</summary>
    public RegionSectionReader(ConfigFieldReader fields, ulong granule, Func<string?, string, string, string?> resolveAllocator, string baseDirectory)
    {
        _fields = fields;
        _granule = granule;
        _resolveAllocator = resolveAllocator;
        _memory = new RegionMemorySectionReader(fields, baseDirectory);
        _movable = new RegionMovableSectionReader(fields);
    }

    /// <summary>Reads the reusable-region keys.</summary>
    private readonly RegionMovableSectionReader _movable;

    /// <summary>Reads every region of <paramref name="section"/>; the names of all regions, valid or not, go to
    /// <paramref name="declaredNames"/> (so that the map is checked against what the user meant).</summary>
    public List<RegionOptions> Read(IConfigurationSection section, string field, HashSet<string> declaredNames)
    {
        var regions = new List<RegionOptions>();
        ConfigProblems problems = _fields.Problems;
        if (!section.Exists())
        {
            if (!problems.Has(field))
                problems.Add(field, "no regions are configured; add \"Regions\": [ { \"Name\": \"common\", \"Size\": \"64M\" } ] or a cma= in CommandLine.");
            return regions;
        }
        if (!_fields.ExpectStructure(section, field, "an array of region objects such as [ { \"Name\": \"common\", \"Size\": \"64M\" } ]"))
            return regions;
        var fieldOfName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (IConfigurationSection region in _fields.ArrayItems(section, field))
        {
            RegionOptions? read = ReadRegion(region, field + ":" + region.Key, fieldOfName);
            if (read is not null)
                regions.Add(read);
        }
        foreach (string name in fieldOfName.Keys)
            declaredNames.Add(name);
        return regions;
    }

    /// <summary>Reads one region; null when any of its fields is wrong (each problem recorded).</summary>
    private RegionOptions? ReadRegion(IConfigurationSection region, string field, Dictionary<string, string> fieldOfName)
    {
        ConfigProblems problems = _fields.Problems;
        int before = problems.Count;
        if (!_fields.ExpectStructure(region, field, FieldShape.Region))
            return null;
        string? name = ReadName(region, field, fieldOfName);
        string label = name is null ? $"region {region.Key}" : $"region '{name}'";
        _fields.CheckKeys(region, field, s_regionKeys, label);

        ulong granule = _fields.ReadGranule(region.GetSection("Granule"), field + ":Granule") ?? _granule;
        ulong? size = _fields.ReadSize(region.GetSection("Size"), field + ":Size");
        if (size is null && !problems.Has(field + ":Size"))
            problems.Add(field + ":Size", $"{label} has no Size; add one, e.g. \"Size\": \"64M\" (a multiple of the granule, {ConfigFieldReader.Describe(granule)}).");
        else if (size == 0)
            problems.Add(field + ":Size", $"{label} has Size 0; a region needs a positive size that is a multiple of the granule, e.g. \"64M\".");
        else if (size is ulong s && s % granule != 0)
            problems.Add(field + ":Size", $"{label} has Size {ConfigFieldReader.Describe(s)}, which is not a multiple of the granule {ConfigFieldReader.Describe(granule)}; use {CmaSize.Format(s / granule * granule)} or {CmaSize.Format(RoundUp(s, granule))}.".Replace("use 0 or ", "use ", StringComparison.Ordinal));

        ulong? alignment = _fields.ReadSize(region.GetSection("Alignment"), field + ":Alignment");
        if (alignment is ulong a && (!BitOperations.IsPow2(a) || a < granule))
        {
            problems.Add(field + ":Alignment", $"{label} has Alignment {ConfigFieldReader.Describe(a)}; an alignment is a power of two at least the granule ({CmaSize.Format(granule)}), e.g. {CmaSize.Format(Math.Max(granule, a == 0 ? granule : BitOperations.RoundUpToPowerOf2(a)))}.");
            alignment = null;
        }
        ulong align = alignment ?? granule;
        ulong? start = _fields.ReadSize(region.GetSection("Start"), field + ":Start");
        if (start is ulong st && st % align != 0)
            problems.Add(field + ":Start", $"{label} has Start 0x{st:X}, which is not a multiple of its alignment {ConfigFieldReader.Describe(align)}; use 0x{st / align * align:X} or 0x{RoundUp(st, align):X}.");

        string? allocatorText = _fields.ReadScalar(region.GetSection("Allocator"), field + ":Allocator", FieldShape.AllocatorName);
        string? allocator = problems.Has(field + ":Allocator") ? null : _resolveAllocator(allocatorText?.Trim(), field + ":Allocator", name ?? region.Key);

        IConfigurationSection settings = region.GetSection("Settings");
        if (settings.Value is not null && !settings.GetChildren().Any() && !problems.Has(field + ":Settings"))
            problems.Add(field + ":Settings", $"{label} has Settings '{settings.Value}'; Settings is an object of allocator settings, e.g. {{ \"Fit\": \"next\" }}.");

        RegionMemoryOptions? memory = _memory.Read(region, field, label, start is not null);
        RegionMovableOptions? movable = _movable.Read(region, field, label);

        if (problems.Count != before || name is null || size is null || allocator is null || memory is null || movable is null)
            return null;
        return new RegionOptions(name, start ?? 0, size.Value, align, granule, allocator, settings, field)
        {
            Memory = memory,
            Movable = movable,
            HasStart = start is not null,
            StartField = field + ":Start",
            SizeField = field + ":Size",
        };
    }

    /// <summary>Reads and checks a region's Name (required, valid characters, unique).</summary>
    private string? ReadName(IConfigurationSection region, string field, Dictionary<string, string> fieldOfName)
    {
        ConfigProblems problems = _fields.Problems;
        string nameField = field + ":Name";
        string? name = _fields.ReadScalar(region.GetSection("Name"), nameField, "a region name");
        if (name is null)
        {
            if (!problems.Has(nameField))
                problems.Add(nameField, $"region {region.Key} has no Name; add one, e.g. \"Name\": \"common\" (the map and the API refer to regions by name).");
            return null;
        }
        if (!RegionName.IsValid(name))
        {
            problems.Add(nameField, $"'{name}' is not a valid region name; use {RegionName.Rule}.");
            return null;
        }
        if (fieldOfName.TryGetValue(name, out string? first))
        {
            problems.Add(nameField, $"the region name '{name}' is already used by {first}; region names must be unique (they are case-sensitive).");
            return null;
        }
        fieldOfName.Add(name, field);
        return name;
    }

    /// <summary>Rounds <paramref name="value"/> up to a multiple of <paramref name="unit"/>, saturating below 2^64.</summary>
    private static ulong RoundUp(ulong value, ulong unit) =>
        value > ulong.MaxValue - (unit - 1) ? value / unit * unit : (value + unit - 1) / unit * unit;
}
