using Cma.Runtime.Plugins;

namespace Cma.Runtime.Configuration;

/// <summary>
/// The one wording for an allocator name that no loaded plugin provides, used wherever such a name is found: the
/// configuration's check (<c>Allocator</c>, <c>DefaultAllocator</c>), the runtime builder, and the CLI's
/// <c>--allocator</c> options. It names the unknown name, a close match if there is one, the loaded allocators (or that
/// none is loaded), the fix, and — when the caller knows them — the plugins that failed to load. The field is the
/// caller's to name (the problem's field, or a prefix such as "region 'a': ").
/// </summary>
internal static class AllocatorNotLoaded
{
    /// <summary>E.g. "allocator 'bestfit' is not loaded. Did you mean 'best-fit'? Loaded allocators: best-fit, buddy. Use
    /// one of those, or add the plugin that provides it to Plugins:Directories."</summary>
    /// <param name="name">The name as written.</param>
    /// <param name="loaded">The names of the loaded allocators.</param>
    /// <param name="loadFailures">The plugins that failed to load, listed after the fix; none when empty or null.</param>
    public static string Message(string name, IReadOnlyCollection<string> loaded, IReadOnlyCollection<PluginLoadFailure>? loadFailures = null)
    {
        string list = loaded.Count == 0 ? "none (no plugin loaded; check the plugins folder and Plugins:Directories)" : string.Join(", ", loaded);
        string failures = loadFailures is not { Count: > 0 } ? "" : " Plugins that failed to load: " + string.Join("; ", loadFailures) + ".";
        return $"allocator '{name}' is not loaded.{NameSuggestion.Hint(name, loaded)} Loaded allocators: {list}. Use one of those, or add the plugin that provides it to Plugins:Directories.{failures}";
    }

    /// <summary><see cref="Message(string, IReadOnlyCollection{string}, IReadOnlyCollection{PluginLoadFailure})"/> for
    /// what <paramref name="catalog"/> loaded, with its load failures.</summary>
    public static string Message(string name, PluginCatalog catalog) =>
        Message(name, [.. catalog.Providers.Select(p => p.Name)], catalog.Failures);
}
