using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Plugins;

/// <summary>
/// Where the catalog looks and what it pins, read from a <c>Cma</c> section before the configuration is validated
/// (validation needs the allocator names, which come from the plugins these settings name). Relative directories
/// resolve against <c>baseDirectory</c> (the config file's folder, or the application's folder when embedded).
/// Malformed values are skipped here; the validator reports them.
/// </summary>
/// <param name="Directories">Absolute plugin directories from <c>Plugins:Directories</c>.</param>
/// <param name="Pins">DLL file name → expected SHA-256 from <c>Plugins:Sha256</c>.</param>
internal sealed record PluginSources(IReadOnlyList<string> Directories, IReadOnlyDictionary<string, string> Pins)
{
    /// <summary>No extra directories, no pins.</summary>
    public static PluginSources None { get; } = new([], new Dictionary<string, string>());

    /// <summary>Reads <c>Plugins:Directories</c> and <c>Plugins:Sha256</c> of <paramref name="cmaSection"/>.</summary>
    public static PluginSources Read(IConfiguration cmaSection, string baseDirectory)
    {
        var directories = cmaSection.GetSection("Plugins:Directories").GetChildren()
            .Select(c => c.Value).OfType<string>().Where(v => v.Length > 0)
            .Select(v => Path.GetFullPath(v, baseDirectory)).ToList();
        var pins = cmaSection.GetSection("Plugins:Sha256").GetChildren()
            .Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value!, StringComparer.OrdinalIgnoreCase);
        return new PluginSources(directories, pins);
    }
}
