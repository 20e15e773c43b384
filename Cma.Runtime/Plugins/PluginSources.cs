namespace Cma.Runtime.Plugins;

/// <summary>
/// Where the catalog looks beyond <c>plugins/</c> and what it pins, as the configuration's validated reader of
/// <c>Plugins:Directories</c>, <c>Plugins:Sha256</c> and <c>Plugins:HotReload</c> gave them (<c>Cma.Runtime.Configuration.PluginSectionReader</c>).
/// They are read before the rest of the configuration is validated, because validation needs the allocator names
/// and those come from the plugins these settings name; a value the reader rejects is left out here and reported
/// by validation.
/// </summary>
/// <param name="Directories">Absolute plugin directories (relative ones resolved against the configuration file's folder,
/// or the application's folder when embedded).</param>
/// <param name="Pins">DLL file name → expected SHA-256, 64 lowercase hex digits.</param>
/// <param name="HotReload"><c>Plugins:HotReload</c>: whether a new build of a plugin DLL in its folder replaces the loaded
/// provider while the host runs (every plugin is then loaded into a collectible load context; see PluginCatalog.HotReload.cs).</param>
internal sealed record PluginSources(IReadOnlyList<string> Directories, IReadOnlyDictionary<string, string> Pins, bool HotReload = false)
{
    /// <summary>No extra directories, no pins.</summary>
    public static PluginSources None { get; } = new([], new Dictionary<string, string>());
}
