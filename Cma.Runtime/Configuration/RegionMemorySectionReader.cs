using Cma.Runtime.Memory;
using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>
/// Reads a region's real-memory keys (DESIGN.md "Real memory"): <c>Backing</c> (None, Native, File, Shared),
/// <c>BackingPath</c> (required for File, relative to the configuration file's folder; for Shared a file name in
/// <c>/dev/shm</c>), and the debug options <c>ZeroOnAllocate</c> (true/false), <c>PoisonOnFree</c> (true for the
/// kernel's 0x6B, false, or a byte such as <c>"0xA5"</c>) and <c>GuardBytes</c> (a size, at most 1G). The debug options
/// need bytes, so setting one on an address-space-only region is an error, as is a <c>Start</c> on a backed region
/// (whose addresses are its mapping's).
/// </summary>
internal sealed class RegionMemorySectionReader
{
    /// <summary>The keys this reader owns in a region object.</summary>
    public static readonly string[] Keys = ["Backing", "BackingPath", "ZeroOnAllocate", "PoisonOnFree", "GuardBytes", "Persist", "PersistFlush"];

    /// <summary>The largest <c>GuardBytes</c> accepted (1 GiB): a debug margin, not a second region.</summary>
    public const ulong MaxGuardBytes = 1UL << 30;

    /// <summary>The backing names as written in the configuration.</summary>
    private static readonly string[] s_backingNames = ["None", "Native", "File", "Shared"];

    /// <summary>Reads fields and records problems.</summary>
    private readonly ConfigFieldReader _fields;

    /// <summary>The folder relative <c>BackingPath</c>s resolve against (absolute).</summary>
    private readonly string _baseDirectory;

    /// <summary>Creates a reader.</summary>
    public RegionMemorySectionReader(ConfigFieldReader fields, string baseDirectory)
    {
        _fields = fields;
        _baseDirectory = baseDirectory;
    }

    /// <summary>Reads the real-memory keys of <paramref name="region"/>; null when one of them is wrong (each problem
    /// recorded). <paramref name="hasStart"/> says whether the region gives a <c>Start</c>.</summary>
    public RegionMemoryOptions? Read(IConfigurationSection region, string field, string label, bool hasStart)
    {
        ConfigProblems problems = _fields.Problems;
        int before = problems.Count;
        CmaBacking backing = ReadBacking(region.GetSection("Backing"), field + ":Backing", label);
        string? path = ReadPath(region.GetSection("BackingPath"), field + ":BackingPath", label, backing);
        bool? zero = _fields.ReadBool(region.GetSection("ZeroOnAllocate"), field + ":ZeroOnAllocate");
        byte? poison = ReadPoison(region.GetSection("PoisonOnFree"), field + ":PoisonOnFree");
        ulong? guard = _fields.ReadSize(region.GetSection("GuardBytes"), field + ":GuardBytes");
        (bool persist, bool flushEach) = ReadPersist(region, field, label, backing);
        if (guard > MaxGuardBytes)
            problems.Add(field + ":GuardBytes", $"{label} has GuardBytes {ConfigFieldReader.Describe(guard.Value)}; guard bytes are a debug margin of at most {CmaSize.Format(MaxGuardBytes)}, e.g. \"64\" or \"4K\".");

        if (backing == CmaBacking.None)
        {
            NeedsBytes(zero == true, "ZeroOnAllocate", "zero");
            NeedsBytes(poison is not null, "PoisonOnFree", "poison");
            NeedsBytes(guard > 0, "GuardBytes", "guard");
        }
        else if (hasStart && !problems.Has(field + ":Start"))
        {
            problems.Add(field + ":Start", $"{label} has Backing {backing}, so its addresses are those of its mapping and a Start has no meaning; remove Start, or set \"Backing\": \"None\" for a planning region.");
        }
        if (problems.Count != before)
            return null;
        return backing == CmaBacking.None ? RegionMemoryOptions.AddressOnly
            : new RegionMemoryOptions(backing, path, zero ?? false, poison, guard ?? 0) { Persist = persist, FlushEachChange = flushEach };

        void NeedsBytes(bool set, string key, string verb)
        {
            if (set)
                problems.Add(field + ":" + key, $"{label} sets {key}, but it is address space only (Backing None), so there are no bytes to {verb}; set \"Backing\": \"Native\" (or File, Shared), or remove {key}.");
        }
    }

    /// <summary>Reads <c>Persist</c> (true/false) and <c>PersistFlush</c> ("Os" or "EachChange"); persisting needs a file
    /// that outlives the process (File or Shared), and is not combined with <c>Reusable</c> yet.</summary>
    private (bool Persist, bool FlushEachChange) ReadPersist(IConfigurationSection region, string field, string label, CmaBacking backing)
    {
        bool persist = _fields.ReadBool(region.GetSection("Persist"), field + ":Persist") ?? false;
        bool flushEach = false;
        if (_fields.ReadScalar(region.GetSection("PersistFlush"), field + ":PersistFlush", "\"Os\" or \"EachChange\"") is string flush)
        {
            flushEach = flush.Trim().Equals("EachChange", StringComparison.OrdinalIgnoreCase);
            if (!flushEach && !flush.Trim().Equals("Os", StringComparison.OrdinalIgnoreCase))
                _fields.Problems.Add(field + ":PersistFlush", $"{label} has PersistFlush '{flush}'; write \"Os\" (each change reaches the OS before the call returns: survives a process crash; the default) or \"EachChange\" (flushed to the disk: survives a machine crash, about 1.5 ms per change here).");
            else if (!persist)
                _fields.Problems.Add(field + ":PersistFlush", $"{label} sets PersistFlush but does not persist its chunks; add \"Persist\": true, or remove PersistFlush.");
        }
        if (persist && backing is not (CmaBacking.File or CmaBacking.Shared))
            _fields.Problems.Add(field + ":Persist", $"{label} has Persist true with Backing {backing}; persisted chunks need bytes that outlive the process: set \"Backing\": \"File\" (with a BackingPath) or \"Shared\", or remove Persist.");
        if (persist && region.GetSection("Reusable").Value is string reusable && reusable.Trim().Equals("true", StringComparison.OrdinalIgnoreCase))
            _fields.Problems.Add(field + ":Persist", $"{label} has both Persist and Reusable; persisting the movable chunks of a reusable region is not supported yet: remove one of them.");
        return (persist, flushEach);
    }

    /// <summary>Reads <c>Backing</c>; None when absent or wrong (a problem recorded).</summary>
    private CmaBacking ReadBacking(IConfigurationSection section, string field, string label)
    {
        string? text = _fields.ReadScalar(section, field, "a backing name");
        if (text is null)
            return CmaBacking.None;
        if (Enum.TryParse(text.Trim(), ignoreCase: true, out CmaBacking backing) && Array.Exists(s_backingNames, n => n.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase)))
        {
            if (backing is CmaBacking.File or CmaBacking.Shared && !OperatingSystem.IsLinux())
            {
                _fields.Problems.Add(field, $"{label} has Backing {backing}, which this host maps with Linux's mmap; on this system use \"Native\".");
                return CmaBacking.None;
            }
            return backing;
        }
        _fields.Problems.Add(field, $"'{text}' is not a backing.{NameSuggestion.Hint(text, s_backingNames)} Use None (address space only, the default), Native (process memory), File (a memory-mapped file at BackingPath) or Shared (a file in /dev/shm other processes can map).");
        return CmaBacking.None;
    }

    /// <summary>Reads <c>BackingPath</c> as an absolute file path; null when absent, not used, or wrong (a problem recorded).</summary>
    private string? ReadPath(IConfigurationSection section, string field, string label, CmaBacking backing)
    {
        ConfigProblems problems = _fields.Problems;
        string? text = _fields.ReadScalar(section, field, "a file path");
        if (problems.Has(field))
            return null;
        if (backing is CmaBacking.None or CmaBacking.Native)
        {
            if (text is not null && !problems.Has(field[..field.LastIndexOf(':')] + ":Backing"))
                problems.Add(field, $"{label} has a BackingPath but Backing {backing}; a path is used only with \"Backing\": \"File\" or \"Shared\". Set one of those, or remove BackingPath.");
            return null;
        }
        text = text?.Trim();
        if (backing == CmaBacking.File)
        {
            if (string.IsNullOrEmpty(text))
            {
                problems.Add(field, $"{label} has Backing File but no BackingPath; add the file to map, e.g. \"BackingPath\": \"cma-region.bin\" (relative paths start at the configuration file's folder).");
                return null;
            }
            return Path.GetFullPath(text, _baseDirectory);
        }
        string prefix = RegionMemoryOptions.SharedMemoryFolder + "/";
        string? name = text is not null && text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text;
        if (string.IsNullOrEmpty(name) || name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
        {
            problems.Add(field, text is null
                ? $"{label} has Backing Shared but no BackingPath; add the name other processes open it by, e.g. \"BackingPath\": \"cma-video\" (the file {prefix}cma-video)."
                : $"'{text}' is not a shared-memory name; write a file name without '/', e.g. \"cma-video\" (the file {prefix}cma-video).");
            return null;
        }
        return prefix + name;
    }

    /// <summary>Reads <c>PoisonOnFree</c>: true (0x6B), false (null) or a byte; null also when wrong (a problem recorded).</summary>
    private byte? ReadPoison(IConfigurationSection section, string field)
    {
        string? text = _fields.ReadScalar(section, field, "true, false or a byte such as \"0x6B\"");
        if (text is null)
            return null;
        text = text.Trim();
        if (bool.TryParse(text, out bool on))
            return on ? RegionMemoryOptions.DefaultPoisonByte : null;
        if (CmaSize.TryParse(text, out ulong value) && value <= byte.MaxValue)
            return (byte)value;
        _fields.Problems.Add(field, $"'{text}' is not true, false or a byte; write true (the pattern 0x6B), false, or a byte from 0 to 255 such as \"0xA5\".");
        return null;
    }
}
