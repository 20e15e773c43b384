using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using McMaster.NETCore.Plugins;

namespace Cma.Runtime.Plugins;

/// <summary>The steps before a plugin's providers are created: what is checked on the file before any of its code or
/// its dependency manifest is read by the runtime, and the load itself.</summary>
internal sealed partial class PluginCatalog
{
    /// <summary>Hashes the file, checks its pin, warns about files others may write, and inspects the assembly and its
    /// <c>.deps.json</c> without loading them.</summary>
    /// <returns>Why the plugin is refused, or null to load it.</returns>
    private string? RefusalBeforeLoading(string file, IReadOnlyDictionary<string, string>? pins, HashSet<string> pinsSeen, out string sha256)
    {
        try
        {
            sha256 = Sha256Of(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            sha256 = "";
            return $"cannot be read: {e.Message}";
        }
        string fileName = Path.GetFileName(file);
        if (pins is not null && TryGetPin(pins, fileName, out string? expected))
        {
            pinsSeen.Add(fileName);
            if (!string.Equals(expected, sha256, StringComparison.OrdinalIgnoreCase))
                return $"SHA-256 mismatch: Plugins:Sha256 pins {expected.ToLowerInvariant()} but the file's is {sha256}; refused. Update the pin if this build is trusted.";
        }
        WarnIfWritableByOthers(Path.GetDirectoryName(file)!);
        WarnIfWritableByOthers(file);
        WarnIfWritableByOthers(PluginDepsJsonInspector.PathFor(file));
        if (PluginAssemblyInspector.Inspect(file) is { } refusal)
            return refusal;
        if (PluginDepsJsonInspector.Inspect(file) is { } depsProblem)
        {
            string deps = Path.GetFileName(PluginDepsJsonInspector.PathFor(file));
            return $"its dependency manifest {deps} {depsProblem}. The .NET dependency resolver cannot read it safely (a malformed one can abort the whole process), so the plugin was not loaded; rebuild the plugin (the build writes {deps}) or restore the one its build wrote.";
        }
        return null;
    }

    /// <summary>Loads the plugin in a load context of its own and lists its types; a failure is recorded.</summary>
    private bool TryLoadTypes(string file, [NotNullWhen(true)] out Assembly? assembly, out Type[] types)
    {
        assembly = null;
        types = [];
        try
        {
            PluginLoader loader = PluginLoader.CreateFromAssemblyFile(file, s_sharedTypes, Configure);
            _loaders.Add(loader);
            if (_hotReload)
                loader.Reloaded += (_, e) => OnReloaded(file, e.Loader);
            return LoadTypes(loader, file, out assembly, out types) is null && assembly is not null;
        }
        catch (InvalidOperationException e)
        {
            _failures.Add(new PluginLoadFailure(file, $"its dependencies cannot be resolved: {e.Message}"));
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException or IOException)
        {
            _failures.Add(new PluginLoadFailure(file, $"cannot be loaded: {e.Message}"));
        }
        return false;
    }

    /// <summary>The loader's settings: the contract shared, and with <c>Plugins:HotReload</c> a collectible context that
    /// reloads when a DLL in the plugin's folder changes (see PluginCatalog.HotReload.cs).</summary>
    private void Configure(PluginConfig config)
    {
        config.PreferSharedTypes = true;
        if (!_hotReload)
            return;
        config.IsUnloadable = true;
        config.EnableHotReload = true;
        config.LoadInMemory = true;   // never map the file: a new build is written over it in place
        config.ReloadDelay = ReloadDelay;
    }

    /// <summary>Loads the plugin's main assembly into the loader's current context and lists its types: null, or why not
    /// (also recorded in <see cref="_failures"/> unless <paramref name="failures"/> names another list).</summary>
    private string? LoadTypes(PluginLoader loader, string file, out Assembly? assembly, out Type[] types, List<PluginLoadFailure>? failures = null)
    {
        failures ??= _failures;
        string? reason = null;
        assembly = null;
        types = [];
        try
        {
            assembly = loader.LoadDefaultAssembly();
            types = assembly.GetTypes();
            return null;
        }
        catch (ReflectionTypeLoadException e)
        {
            string first = e.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? e.Message;
            reason = $"its types cannot be loaded ({first}); it was probably built against an incompatible contract or dependency version.";
        }
        catch (InvalidOperationException e)
        {
            reason = $"its dependencies cannot be resolved: {e.Message}";
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException or IOException)
        {
            reason = $"cannot be loaded: {e.Message}";
        }
        failures.Add(new PluginLoadFailure(file, reason));
        assembly = null;
        types = [];
        return reason;
    }
}
