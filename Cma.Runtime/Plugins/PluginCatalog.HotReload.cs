using System.Reflection;
using McMaster.NETCore.Plugins;

namespace Cma.Runtime.Plugins;

/// <summary>
/// Plugin hot reload (<c>Plugins:HotReload</c>, off by default). Every plugin is then loaded by McMaster.NETCore.Plugins
/// into a collectible load context, in memory (the file is never mapped, so a new build may be written over it), and its
/// loader watches the plugin's folder for changed DLLs. When one changes, the loader waits <see cref="ReloadDelay"/> after
/// the last change, marks the old context for unloading and builds a new one; the catalog then loads the new build with the
/// checks made at start (pin, metadata, <c>.deps.json</c>, contract, provider constructor and name), publishes its providers
/// in place of the old build's and raises <see cref="Reloaded"/>, so that the service swaps every region on them.
/// <para>
/// What keeps an old context alive: only the objects created from it — the old <see cref="PluginProvider"/> (dropped from the
/// catalog as soon as the new build's providers are published) and the allocator instances and provider references of the
/// regions that still run it (dropped by each region's swap). A region whose swap fails keeps its old instance, which keeps
/// serving and keeps the old context alive; the context is collected once the last such region is swapped (by a later reload
/// or <c>TrySwapAllocator</c>). The unloading context loads no further assembly: a plugin that loads its dependencies lazily
/// should load them at start. A refused new build changes nothing: the old providers stay published and keep serving.
/// </para>
/// </summary>
internal sealed partial class PluginCatalog
{
    /// <summary>How long a loader waits after the last change to a DLL in the plugin's folder before reloading: 200 ms, so
    /// that a build or a copy that writes several files reloads once, and tests wait well under a second.</summary>
    public static readonly TimeSpan ReloadDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Serializes reloads (one plugin's after another's) and <see cref="Dispose"/>.</summary>
    private readonly Lock _reloadSync = new();

    /// <summary>Whether the plugins were loaded for hot reload.</summary>
    private bool _hotReload;

    /// <summary>The pins the plugins were loaded with, checked again on every new build.</summary>
    private IReadOnlyDictionary<string, string>? _pins;

    /// <summary>What provider constructors are given, again for every new build.</summary>
    private PluginServices? _services;

    /// <summary>Set by <see cref="Dispose"/>: a reload that arrives later does nothing.</summary>
    private bool _disposed;

    /// <summary>Raised (on the loader's thread, under the reload lock) after a plugin file's new build was loaded or refused.
    /// A handler must not keep the event's old providers: they are what keeps the old load context alive.</summary>
    public event Action<PluginReload>? Reloaded;

    /// <summary>Whether plugins are loaded for hot reload (<c>Plugins:HotReload</c>).</summary>
    public bool HotReload => _hotReload;

    /// <summary>A loader reported a new build of <paramref name="file"/>: loads it, publishes its providers and tells the
    /// listeners. Never throws (it runs on the loader's timer thread).</summary>
    private void OnReloaded(string file, PluginLoader loader)
    {
        lock (_reloadSync)
        {
            if (_disposed)
                return;
            PluginReload reload;
            try
            {
                reload = ReloadFile(file, loader);
            }
            catch (Exception e)
            {
                reload = new PluginReload(file, [], [], [new PluginLoadFailure(file, $"reloading threw {e.GetType().Name}: {e.Message}")]);
            }
            try
            {
                Reloaded?.Invoke(reload);
            }
            catch (Exception)
            {
                // a listener's failure must not take the loader's thread down; the service logs its own outcome
            }
        }
    }

    /// <summary>Loads the new build in the loader's new context. The file's old providers are replaced by its new ones when
    /// at least one new provider loads; otherwise nothing changes and the failures say why.</summary>
    private PluginReload ReloadFile(string file, PluginLoader loader)
    {
        List<PluginProvider> current = Volatile.Read(ref _providers);
        List<PluginProvider> old = [.. current.Where(p => p.FilePath == file)];
        var failures = new List<PluginLoadFailure>();
        if (RefusalBeforeLoading(file, _pins, new HashSet<string>(StringComparer.OrdinalIgnoreCase), out string sha256) is { } refusal)
            return new PluginReload(file, old, [], [new PluginLoadFailure(file, refusal)]);
        if (LoadTypes(loader, file, out Assembly? assembly, out Type[] types, failures) is not null || assembly is null)
            return new PluginReload(file, old, [], failures);
        var fresh = new List<PluginProvider>();
        foreach (PluginProvider provider in CreateProviders(file, assembly, types, sha256, _services!, failures))
        {
            if (current.FirstOrDefault(p => p.Name == provider.Name && p.FilePath != file) is { } other)
                failures.Add(new PluginLoadFailure(file, $"the new build's provider name '{provider.Name}' is already provided by {other.FilePath}; this provider is refused."));
            else
                fresh.Add(provider);
        }
        if (fresh.Count == 0)
            return new PluginReload(file, old, [], failures);
        Volatile.Write(ref _providers, [.. current.Where(p => p.FilePath != file), .. fresh]);
        return new PluginReload(file, old, fresh, failures);
    }
}

/// <summary>The result of one plugin file's hot reload, as <see cref="PluginCatalog.Reloaded"/> reports it.</summary>
/// <param name="FilePath">The plugin's main DLL.</param>
/// <param name="Old">The file's providers before the reload (still published when <paramref name="New"/> is empty).</param>
/// <param name="New">The new build's providers, now published; empty when the new build was refused.</param>
/// <param name="Failures">What was refused (the whole build, or some of its providers), with the reasons.</param>
internal sealed record PluginReload(string FilePath, IReadOnlyList<PluginProvider> Old, IReadOnlyList<PluginProvider> New,
    IReadOnlyList<PluginLoadFailure> Failures);
