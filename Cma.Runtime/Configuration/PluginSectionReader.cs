using Cma.Runtime.Plugins;
using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>
/// Reads and validates <c>Cma:Plugins</c> (<c>Directories</c>, <c>Sha256</c> and <c>HotReload</c>) into the <see cref="PluginSources"/> the
/// catalog loads from. The one reader of those settings: what the catalog uses is exactly what validation accepted
/// (paths trimmed and made absolute, hashes lowercased); every entry it rejects is a problem and is left out.
/// </summary>
internal sealed class PluginSectionReader
{
    /// <summary>The keys <c>Cma:Plugins</c> may hold.</summary>
    private static readonly string[] s_keys = ["Directories", "Sha256", "HotReload"];

    /// <summary>Reads fields and records problems.</summary>
    private readonly ConfigFieldReader _fields;

    /// <summary>The folder relative plugin directories resolve against (absolute).</summary>
    private readonly string _baseDirectory;

    /// <summary>Creates a reader recording into <paramref name="fields"/>'s problems.</summary>
    public PluginSectionReader(ConfigFieldReader fields, string baseDirectory)
    {
        _fields = fields;
        _baseDirectory = baseDirectory;
    }

    /// <summary>Reads <c>Plugins</c> of the section <paramref name="cma"/>, whose fields are named from <paramref name="prefix"/>.</summary>
    public PluginSources Read(IConfiguration cma, string prefix)
    {
        string field = prefix + ":Plugins";
        IConfigurationSection plugins = cma.GetSection("Plugins");
        var directories = new List<string>();
        var pins = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        bool hotReload = false;
        if (_fields.ExpectStructure(plugins, field, FieldShape.Plugins))
        {
            _fields.CheckKeys(plugins, field, s_keys, "Plugins");
            ReadDirectories(plugins.GetSection("Directories"), field + ":Directories", directories);
            ReadPins(plugins.GetSection("Sha256"), field + ":Sha256", pins);
            hotReload = _fields.ReadBool(plugins.GetSection("HotReload"), field + ":HotReload") ?? false;
        }
        return new PluginSources(directories.AsReadOnly(), pins.AsReadOnly(), hotReload);
    }

    /// <summary>Reads the plugin directories into <paramref name="directories"/>, resolved against the base directory.</summary>
    private void ReadDirectories(IConfigurationSection section, string field, List<string> directories)
    {
        if (!_fields.ExpectStructure(section, field, FieldShape.PluginDirectories))
            return;
        foreach (IConfigurationSection item in _fields.ArrayItems(section, field))
        {
            string itemField = field + ":" + item.Key;
            string? path = _fields.ReadScalar(item, itemField, "a folder path");
            if (path is null)
                continue;
            if (string.IsNullOrWhiteSpace(path))
                _fields.Problems.Add(itemField, "the folder path is empty; write a folder (absolute, or relative to the configuration file) or remove the entry.");
            else
                directories.Add(Path.GetFullPath(path.Trim(), _baseDirectory));
        }
    }

    /// <summary>Reads the SHA-256 pins into <paramref name="pins"/>: DLL file name to 64 hex digits, lowercased.</summary>
    private void ReadPins(IConfigurationSection section, string field, Dictionary<string, string> pins)
    {
        if (!_fields.ExpectStructure(section, field, "an object such as { \"Acme.Tlsf.dll\": \"<64 hex digits>\" }"))
            return;
        foreach (IConfigurationSection pin in section.GetChildren())
        {
            string pinField = field + ":" + pin.Key;
            string? hash = _fields.ReadScalar(pin, pinField, FieldShape.PinHash);
            if (hash is null)
                continue;
            bool ok = true;
            if (!pin.Key.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || pin.Key.IndexOfAny(['/', '\\']) >= 0)
            {
                _fields.Problems.Add(pinField, $"'{pin.Key}' is not a DLL file name; pins are keyed by the plugin's file name only, e.g. \"Acme.Tlsf.dll\".");
                ok = false;
            }
            if (hash.Length != 64 || !IsHex(hash))
            {
                _fields.Problems.Add(pinField, $"'{hash}' is not a SHA-256 hash; write its 64 hex digits (the output of 'sha256sum {pin.Key}').");
                ok = false;
            }
            if (ok)
                pins[pin.Key] = hash.ToLowerInvariant();
        }
    }

    /// <summary>Whether <paramref name="text"/> is all hex digits.</summary>
    private static bool IsHex(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
                return false;
        }
        return true;
    }
}
