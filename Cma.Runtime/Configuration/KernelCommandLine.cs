using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using Cma.Runtime.Mapping;
using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>
/// A pasted kernel command line (<c>Cma:CommandLine</c>) read with the RFC v4 semantics: <c>cma=</c> regions
/// (<c>name=size[@start][/alignment][:alloc]</c> separated by <c>;</c>) replace <c>Regions</c>, and
/// <c>cma.map=</c> or <c>cma_map=</c> rules replace <c>Map</c>, each only when present; other tokens are ignored.
/// Unlike the JSON form, sizes round up to the granule, alignment 0 means the granule and smaller powers of two
/// are raised to it, a start is aligned up to the alignment, <c>bf</c> means <c>best-fit</c> and an empty
/// allocator name means the default. A zero size, a non-power-of-two alignment or bad syntax is a problem.
/// </summary>
internal sealed class KernelCommandLine
{
    /// <summary>An empty settings section for command-line regions (the command line has no settings).</summary>
    private static readonly IConfiguration s_noSettings = new ConfigurationBuilder().Build();

    /// <summary>Creates the result of a parse.</summary>
    private KernelCommandLine(List<RegionOptions>? regions, string? map)
    {
        Regions = regions;
        Map = map;
    }

    /// <summary>The regions of <c>cma=</c> (only those that parsed), or null when there is no <c>cma=</c>.</summary>
    public IReadOnlyList<RegionOptions>? Regions { get; }

    /// <summary>The rules text of <c>cma.map=</c>/<c>cma_map=</c>, or null when there is none.</summary>
    public string? Map { get; }

    /// <summary>Parses a pasted kernel command line.</summary>
    /// <param name="text">The command line, tokens separated by whitespace.</param>
    /// <param name="field">The field problems are reported under (<c>Cma:CommandLine</c>).</param>
    /// <param name="granule">The granule sizes and alignments round up to.</param>
    /// <param name="resolveAllocator">Resolves an allocator name (null: the default) for a region; null when not loaded (reported).</param>
    /// <param name="problems">Where problems go.</param>
    public static KernelCommandLine Parse(string text, string field, ulong granule,
        Func<string?, string, string, string?> resolveAllocator, ConfigProblems problems)
    {
        string? regionsText = null;
        string? mapText = null;
        foreach (string token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.StartsWith("cma=", StringComparison.Ordinal))
                Take(ref regionsText, token[4..], "cma=");
            else if (token.StartsWith("cma.map=", StringComparison.Ordinal) || token.StartsWith("cma_map=", StringComparison.Ordinal))
                Take(ref mapText, token[8..], "cma.map=");
        }
        List<RegionOptions>? regions = null;
        if (regionsText is not null)
        {
            regions = [];
            ParseRegions(regionsText, field + " (cma=)", granule, resolveAllocator, problems, regions);
        }
        return new KernelCommandLine(regions, mapText);

        void Take(ref string? slot, string value, string name)
        {
            if (slot is not null)
                problems.Add(field, $"'{name}' appears more than once in '{text}'; keep one (write all its entries in it, separated by ';').");
            slot = value;
        }
    }

    /// <summary>Parses the value of <c>cma=</c>: regions separated by <c>;</c>, a trailing <c>;</c> allowed.</summary>
    private static void ParseRegions(string text, string field, ulong granule, Func<string?, string, string, string?> resolveAllocator,
        ConfigProblems problems, List<RegionOptions> regions)
    {
        string[] entries = text.Split(';');
        int count = entries.Length > 1 && entries[^1].Length == 0 ? entries.Length - 1 : entries.Length;
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            if (TryParseRegion(entries[i], field, granule, resolveAllocator, problems, out RegionOptions? region))
            {
                if (names.Add(region.Name))
                    regions.Add(region);
                else
                    problems.Add(field, $"cma= names region '{region.Name}' twice; region names must be unique.");
            }
        }
    }

    /// <summary>How a <c>cma=</c> entry is written, for messages about its syntax.</summary>
    private const string Grammar = "write regions as name=size[@start][/alignment][:allocator], separated by ';', e.g. 'cma=vf=1M/128K;a=20M;b=20M@512M'";

    /// <summary>Parses one entry <c>name=size[@start][/alignment][:alloc]</c>.</summary>
    private static bool TryParseRegion(string entry, string field, ulong granule, Func<string?, string, string, string?> resolveAllocator,
        ConfigProblems problems, [NotNullWhen(true)] out RegionOptions? region)
    {
        region = null;
        if (Split(entry, field, problems) is not { } parts)
            return false;
        (string name, string sizeText, string? startText, string? alignText, string? allocator) = parts;
        if (!TryNumber(sizeText, "size", entry, field, problems, out ulong size)
            | !TryNumber(startText, "start", entry, field, problems, out ulong start)
            | !TryNumber(alignText, "alignment", entry, field, problems, out ulong alignment))
            return false;
        if (size == 0)
        {
            problems.Add(field, $"cma= entry '{entry}' has size 0; give region '{name}' a positive size, e.g. '{name}=16M'.");
            return false;
        }
        if (alignment != 0 && !BitOperations.IsPow2(alignment))
        {
            problems.Add(field, $"cma= entry '{entry}' has alignment {alignText}, which is not a power of two; use e.g. /{CmaSize.Format(BitOperations.RoundUpToPowerOf2(alignment))}, or /0 for the granule.");
            return false;
        }
        alignment = Math.Max(alignment, granule);
        if (!RegionLayout.TryAlignUp(size, granule, out size) || (startText is not null && !RegionLayout.TryAlignUp(start, alignment, out start)))
        {
            problems.Add(field, $"cma= entry '{entry}' runs past the end of the 64-bit address space when rounded up; lower its size or start.");
            return false;
        }
        string? alloc = allocator is null || allocator.Length == 0 ? null : allocator == "bf" ? CmaOptions.DefaultAllocatorName : allocator;
        string? resolved = resolveAllocator(alloc, field, name);
        if (resolved is null)
            return false;
        region = new RegionOptions(name, startText is null ? 0 : start, size, alignment, granule, resolved, s_noSettings, field) { HasStart = startText is not null };
        return true;
    }

    /// <summary>Splits an entry into its texts: <c>vf=1M@0x100000/128K:bitmap</c> gives vf, 1M, 0x100000, 128K and bitmap
    /// (absent parts null); null (a problem recorded) when the name or the order of the parts is wrong.</summary>
    private static (string Name, string Size, string? Start, string? Alignment, string? Allocator)? Split(string entry, string field, ConfigProblems problems)
    {
        int eq = entry.IndexOf('=');
        if (eq <= 0)
        {
            problems.Add(field, $"cma= entry '{entry}' has no region name and '='; {Grammar}.");
            return null;
        }
        string name = entry[..eq];
        if (!RegionName.IsValid(name))
        {
            problems.Add(field, $"cma= entry '{entry}': '{name}' is not a valid region name; use {RegionName.Rule}.");
            return null;
        }
        string rest = entry[(eq + 1)..];
        string? allocator = null;
        int colon = rest.IndexOf(':');
        if (colon >= 0)
        {
            allocator = rest[(colon + 1)..];
            rest = rest[..colon];
        }
        int at = rest.IndexOf('@');
        int slash = rest.IndexOf('/');
        if (at >= 0 && slash >= 0 && slash < at)
        {
            problems.Add(field, $"cma= entry '{entry}' has '/alignment' before '@start'; {Grammar}.");
            return null;
        }
        int sizeEnd = at >= 0 ? at : slash >= 0 ? slash : rest.Length;
        string? start = at >= 0 ? rest[(at + 1)..(slash >= 0 ? slash : rest.Length)] : null;
        string? alignment = slash >= 0 ? rest[(slash + 1)..] : null;
        return (name, rest[..sizeEnd], start, alignment, allocator);
    }

    /// <summary>Reads a number of an entry (absent: 0); false (a problem recorded) when it is not one.</summary>
    private static bool TryNumber(string? text, string what, string entry, string field, ConfigProblems problems, out ulong value)
    {
        value = 0;
        if (text is null || CmaSize.TryParse(text, out value))
            return true;
        problems.Add(field, $"cma= entry '{entry}' has {what} '{text}', which is not a number; write bytes with an optional K, M or G suffix, or hex ('0x100000'); {Grammar}.");
        return false;
    }
}
