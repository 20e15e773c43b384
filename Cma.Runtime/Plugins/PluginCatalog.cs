using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cma.Runtime.Plugins;

/// <summary>
/// Finds and loads allocator plugins. A plugin directory holds one folder per plugin,
/// <c>&lt;dir&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c>; each DLL is loaded with McMaster.NETCore.Plugins in a load context
/// of its own, sharing only the contract (and the Microsoft.Extensions abstractions in its signatures) with
/// the host. Before a DLL is loaded its metadata and its <c>.deps.json</c> are checked (a malformed <c>.deps.json</c>
/// can abort the process natively); a provider's constructor gets only logging (<see cref="PluginServices"/>), never the
/// application's services. Every failure is recorded by file with its reason; a bad plugin never stops the others.
/// When two plugins provide one name, the one found first wins (sources in the order given: the host's own
/// <c>plugins/</c> first) and the other is refused naming both; two in one source are both refused.
/// </summary>
internal sealed partial class PluginCatalog : IDisposable
{
    /// <summary>Types whose assemblies every plugin shares with the host, so that type identity holds.</summary>
    private static readonly Type[] s_sharedTypes =
    [
        typeof(ICmaAllocatorProvider), typeof(IConfiguration), typeof(ILogger<>), typeof(ILoggerFactory),
    ];

    /// <summary>Loaded providers, in load order; names are unique. Filled by <see cref="Load(IEnumerable{string}, IEnumerable{string}?, IReadOnlyDictionary{string, string}?, ILoggerFactory?, bool)"/>;
    /// afterwards never changed in place: a hot reload publishes a new list (see PluginCatalog.HotReload.cs).</summary>
    private List<PluginProvider> _providers = [];

    /// <summary>Every refused file or provider, in the order met.</summary>
    private readonly List<PluginLoadFailure> _failures = [];

    /// <summary>Explicit paths that named no plugin file at all (each also in <see cref="_failures"/>).</summary>
    private readonly List<PluginLoadFailure> _unusablePaths = [];

    /// <summary>The loaders, kept alive as long as the providers are used.</summary>
    private readonly List<PluginLoader> _loaders = [];

    private PluginCatalog()
    {
    }

    /// <summary>The host's own first-party plugin directory: <c>plugins/</c> beside the executable.</summary>
    public static string FirstPartyDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>The loaded providers.</summary>
    public IReadOnlyList<PluginProvider> Providers => Volatile.Read(ref _providers);

    /// <summary>Every plugin refused, with the reason.</summary>
    public IReadOnlyList<PluginLoadFailure> Failures => _failures;

    /// <summary>The explicit paths that named no plugin file (missing, or no accepted layout); also in <see cref="Failures"/>.</summary>
    public IReadOnlyList<PluginLoadFailure> UnusablePaths => _unusablePaths;

    /// <summary>The provider with this name, or null.</summary>
    public PluginProvider? Find(string name)
    {
        foreach (PluginProvider p in Volatile.Read(ref _providers))
        {
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
                return p;
        }
        return null;
    }

    /// <summary>Loads the plugins for a configuration: the first-party <c>plugins/</c> beside the host, then the configured
    /// directories with the configured pins (<paramref name="configured"/>, the configuration's validated <c>Plugins</c>),
    /// then the operator's explicit <paramref name="paths"/> (or null); <paramref name="loggerFactory"/> as below.</summary>
    public static PluginCatalog Load(PluginSources configured, IEnumerable<string>? paths, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(configured);
        return Load([FirstPartyDirectory, .. configured.Directories], paths, configured.Pins, loggerFactory, configured.HotReload);
    }

    /// <summary>Loads the plugins found in <paramref name="directories"/> (each scanned for <c>&lt;Name&gt;/&lt;Name&gt;.dll</c>)
    /// and the operator's explicit <paramref name="paths"/> (a plugin DLL, one plugin's folder <c>&lt;Name&gt;/</c> holding
    /// <c>&lt;Name&gt;.dll</c>, a build output folder holding <c>&lt;Name&gt;.dll</c> beside <c>&lt;Name&gt;.deps.json</c>, or a
    /// folder of plugin folders). Each directory and each path is one source; earlier sources win a provider name.</summary>
    /// <param name="directories">Plugin directories, the host's own first; a missing one is skipped (the first-party one always exists in a build).</param>
    /// <param name="paths">Explicit plugin DLLs or plugin directories from the command line; one that names no plugin is a failure (also in <see cref="UnusablePaths"/>).</param>
    /// <param name="sha256Pins">DLL file name → expected SHA-256 (hex); a mismatch, or a pinned name never found, refuses it.</param>
    /// <param name="loggerFactory">The logging provider constructors get (<c>ILogger&lt;T&gt;</c>, <c>ILoggerFactory</c>); null gives null loggers.</param>
    /// <param name="hotReload"><c>Plugins:HotReload</c>: load every plugin into a collectible context and reload it when its DLL changes.</param>
    public static PluginCatalog Load(
        IEnumerable<string> directories,
        IEnumerable<string>? paths = null,
        IReadOnlyDictionary<string, string>? sha256Pins = null,
        ILoggerFactory? loggerFactory = null,
        bool hotReload = false)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var services = new PluginServices(loggerFactory ?? NullLoggerFactory.Instance);
        var catalog = new PluginCatalog { _hotReload = hotReload, _pins = sha256Pins, _services = services };
        var files = new List<(string File, int Source)>();
        int source = 0;
        foreach (string dir in directories)
        {
            if (Directory.Exists(dir))
                catalog.ScanDirectory(dir, source, files);
            source++;
        }
        foreach (string path in paths ?? [])
            catalog.AddExplicitPath(path, source++, files);

        var candidates = new List<(PluginProvider Provider, int Source)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pinsSeen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach ((string file, int fileSource) in files)
        {
            if (seen.Add(file))
                catalog.LoadFile(file, fileSource, sha256Pins, pinsSeen, services, candidates);
        }
        foreach ((string pinned, string hash) in sha256Pins ?? new Dictionary<string, string>())
        {
            if (!pinsSeen.Contains(pinned))
                catalog._failures.Add(new PluginLoadFailure(pinned, $"is pinned in Plugins:Sha256 to {hash.ToLowerInvariant()} but was not found in any plugin directory (no file, so no SHA-256 to compare); install it or remove the pin."));
        }
        catalog.KeepOnePerName(candidates);
        return catalog;
    }

    /// <summary>Loads one DLL and creates its providers, recording any failure.</summary>
    private void LoadFile(string file, int source, IReadOnlyDictionary<string, string>? pins, HashSet<string> pinsSeen,
        PluginServices services, List<(PluginProvider Provider, int Source)> candidates)
    {
        if (RefusalBeforeLoading(file, pins, pinsSeen, out string sha256) is { } refusal)
        {
            _failures.Add(new PluginLoadFailure(file, refusal));
            return;
        }
        if (!TryLoadTypes(file, out Assembly? assembly, out Type[] types))
            return;
        foreach (PluginProvider provider in CreateProviders(file, assembly, types, sha256, services, _failures))
            candidates.Add((provider, source));
    }

    /// <summary>Creates a provider for every public provider type of a loaded plugin; each refusal goes to
    /// <paramref name="failures"/>, and so does a plugin with no provider type at all.</summary>
    private static List<PluginProvider> CreateProviders(string file, Assembly assembly, Type[] types, string sha256,
        PluginServices services, List<PluginLoadFailure> failures)
    {
        var providers = new List<PluginProvider>();
        int found = 0;
        foreach (Type type in types)
        {
            if (!type.IsPublic || type.IsAbstract || type.IsInterface || !typeof(ICmaAllocatorProvider).IsAssignableFrom(type))
                continue;
            found++;
            if (CreateProvider(file, type, assembly, sha256, services, failures) is { } provider)
                providers.Add(provider);
        }
        if (found == 0)
            failures.Add(new PluginLoadFailure(file, $"contains no provider: no public non-abstract type implements {nameof(ICmaAllocatorProvider)}."));
        return providers;
    }

    /// <summary>Creates one provider with the plugin services; a constructor that asks for anything else, or throws,
    /// is a load failure (added to <paramref name="failures"/>).</summary>
    private static PluginProvider? CreateProvider(string file, Type type, Assembly assembly, string sha256, PluginServices services,
        List<PluginLoadFailure> failures)
    {
        if (services.UnservedParameters(type) is { } unserved)
        {
            failures.Add(new PluginLoadFailure(file, $"provider {type.FullName}'s constructor asks for {unserved}, which the host does not give plugins: a provider's constructor may take only {PluginServices.Offered} (or nothing). The application's own services, ICmaService and IServiceProvider among them, are never shared with a plugin."));
            return null;
        }
        try
        {
            var provider = (ICmaAllocatorProvider)ActivatorUtilities.CreateInstance(services, type);
            string name = provider.Name;
            string description = provider.Description ?? "";
            if (string.IsNullOrEmpty(name) || !ProviderNamePattern().IsMatch(name))
            {
                failures.Add(new PluginLoadFailure(file, $"provider {type.FullName} has the invalid name '{name}'; use lower-case letters, digits and dashes, e.g. 'best-fit'."));
                return null;
            }
            return new PluginProvider(name, description, provider, file, PluginAssemblyInspector.VersionOf(assembly), sha256);
        }
        catch (Exception e)
        {
            failures.Add(new PluginLoadFailure(file, $"provider {type.FullName} could not be created: {Cause(type, e)}"));
            return null;
        }
    }

    /// <summary>What went wrong, past the reflection and type-initializer wrappers: <c>InvalidOperationException: ...</c>,
    /// or <c>its static constructor threw InvalidOperationException: ...</c>.</summary>
    private static string Cause(Type type, Exception e)
    {
        string? initializer = null;
        while (e is TargetInvocationException or TypeInitializationException && e.InnerException is { } inner)
        {
            if (e is TypeInitializationException tie)
                initializer = tie.TypeName;
            e = inner;
        }
        string what = $"{e.GetType().Name}: {e.Message}";
        if (initializer is null)
            return what;
        return initializer == type.FullName ? $"its static constructor threw {what}" : $"the static constructor of {initializer} threw {what}";
    }

    /// <summary>Keeps one provider per name: the only one; else the one from the earliest source, the others refused
    /// naming it; or, when the earliest source holds more than one, none (none takes precedence), all named.</summary>
    private void KeepOnePerName(List<(PluginProvider Provider, int Source)> candidates)
    {
        foreach ((PluginProvider provider, _) in candidates)
        {
            List<(PluginProvider Provider, int Source)> same = [.. candidates.Where(c => c.Provider.Name == provider.Name)];
            int earliest = same.Min(c => c.Source);
            List<PluginProvider> first = [.. same.Where(c => c.Source == earliest).Select(c => c.Provider)];
            string firstFiles = string.Join(" and ", first.Select(p => p.FilePath).Distinct());
            if (same.Count == 1 || (first.Count == 1 && first[0] == provider))
                _providers.Add(provider);
            else if (first.Count == 1)
                _failures.Add(new PluginLoadFailure(provider.FilePath, $"provider name '{provider.Name}' is already provided by {firstFiles}, which is found first (the host's own plugins/ come first, then Plugins:Directories in order, then the plugin paths given explicitly) and takes precedence; this copy is refused. Remove it, or give its provider another name."));
            else if (first.Contains(provider))
                _failures.Add(new PluginLoadFailure(provider.FilePath, $"provider name '{provider.Name}' is provided by more than one plugin ({firstFiles}) found in one place, so none takes precedence; remove all but one of them."));
            else
                _failures.Add(new PluginLoadFailure(provider.FilePath, $"provider name '{provider.Name}' is already provided by {firstFiles}, which is found first; this copy is refused. Remove it, or give its provider another name."));
        }
    }

    private static bool TryGetPin(IReadOnlyDictionary<string, string> pins, string fileName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? expected)
    {
        foreach ((string key, string value) in pins)
        {
            if (string.Equals(key, fileName, StringComparison.OrdinalIgnoreCase))
            {
                expected = value;
                return true;
            }
        }
        expected = null;
        return false;
    }

    /// <summary>The file's SHA-256 as lowercase hex.</summary>
    public static string Sha256Of(string file)
    {
        using FileStream stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex ProviderNamePattern();

    /// <summary>Disposes the plugin loaders (which stops watching for new builds).</summary>
    public void Dispose()
    {
        lock (_reloadSync)
        {
            _disposed = true;
            foreach (PluginLoader loader in _loaders)
                loader.Dispose();
            _loaders.Clear();
        }
    }
}
