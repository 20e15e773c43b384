namespace Cma.Runtime.Plugins;

/// <summary>
/// Where the catalog finds plugin DLLs. A plugin directory holds one folder per plugin, <c>&lt;dir&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c>.
/// An explicit path (the operator's <c>--plugin</c>) may also be the DLL itself, one plugin's folder, or the build output
/// folder a plugin author has at hand (<c>bin/Release/net10.0/</c>: <c>&lt;Name&gt;.dll</c> beside <c>&lt;Name&gt;.deps.json</c>);
/// an explicit path that yields no plugin file is a failure that says which layouts are accepted. Folders and files
/// that other users may write are warned about, once each.
/// </summary>
internal sealed partial class PluginCatalog
{
    /// <summary>The layouts an explicit path may have, for messages.</summary>
    private const string ExplicitLayouts =
        "a plugin path is a plugin DLL, a plugin's folder <Name>/ holding <Name>.dll, a build output folder holding <Name>.dll beside <Name>.deps.json "
        + "(such as bin/Release/net10.0/), or a folder of plugin folders <dir>/<Name>/<Name>.dll";

    /// <summary>Non-fatal findings (e.g. a plugin folder writable by other users).</summary>
    private readonly List<string> _warnings = [];

    /// <summary>The paths already checked for write access by others, so that each is warned about once.</summary>
    private readonly HashSet<string> _checkedForWriters = new(StringComparer.Ordinal);

    /// <summary>Non-fatal findings to show the operator.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Collects <c>&lt;dir&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c> for every sub-folder.</summary>
    private void ScanDirectory(string dir, int source, List<(string File, int Source)> files)
    {
        WarnIfWritableByOthers(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));
        foreach (string sub in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(sub);
            string dll = Path.Combine(sub, name + ".dll");
            if (File.Exists(dll))
                files.Add((Path.GetFullPath(dll), source));
            else if (Directory.EnumerateFiles(sub, "*.dll").Any())
                _failures.Add(new PluginLoadFailure(sub, $"holds no {name}.dll; a plugin folder must hold a DLL named after the folder."));
        }
    }

    /// <summary>Collects the plugin DLL an explicit path names (or those of its plugin folders), or records why it names none.</summary>
    private void AddExplicitPath(string path, int source, List<(string File, int Source)> files)
    {
        if (File.Exists(path))
        {
            files.Add((Path.GetFullPath(path), source));
            return;
        }
        if (!Directory.Exists(path))
        {
            Unusable(path, $"no such plugin file or directory; {ExplicitLayouts}.");
            return;
        }
        string folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string ownDll = Path.Combine(folder, Path.GetFileName(folder) + ".dll");
        if (File.Exists(ownDll))
        {
            files.Add((ownDll, source));
            return;
        }
        List<string> builds = BuildOutputDlls(folder);
        if (builds.Count == 1)
        {
            files.Add((builds[0], source));
            return;
        }
        if (builds.Count > 1)
        {
            Unusable(path, $"holds {builds.Count} DLLs each beside its .deps.json ({string.Join(", ", builds.Select(Path.GetFileName))}), so it is not clear which is the plugin; give the path of the plugin's DLL instead.");
            return;
        }
        int before = files.Count;
        ScanDirectory(folder, source, files);
        if (files.Count == before)
            Unusable(path, $"holds no plugin: no <Name>.dll beside a <Name>.deps.json and no plugin folder <Name>/<Name>.dll in it; {ExplicitLayouts}.");
    }

    /// <summary>The <c>&lt;X&gt;.dll</c> files of <paramref name="folder"/> that have an <c>&lt;X&gt;.deps.json</c> beside them
    /// (a build output folder has exactly one: the project's own).</summary>
    private static List<string> BuildOutputDlls(string folder)
    {
        var dlls = new List<string>();
        foreach (string deps in Directory.EnumerateFiles(folder, "*.deps.json").Order(StringComparer.Ordinal))
        {
            string dll = Path.Combine(folder, Path.GetFileName(deps)[..^".deps.json".Length] + ".dll");
            if (File.Exists(dll))
                dlls.Add(dll);
        }
        return dlls;
    }

    /// <summary>Records an explicit path that names no plugin file.</summary>
    private void Unusable(string path, string reason)
    {
        var failure = new PluginLoadFailure(path, reason);
        _failures.Add(failure);
        _unusablePaths.Add(failure);
    }

    /// <summary>Warns, once, when <paramref name="path"/> (a plugin directory, a plugin's folder, its DLL or its
    /// .deps.json) exists and other users may write it.</summary>
    private void WarnIfWritableByOthers(string path)
    {
        if (OperatingSystem.IsWindows() || !_checkedForWriters.Add(path) || !Path.Exists(path))
            return;
        UnixFileMode mode;
        try
        {
            mode = File.GetUnixFileMode(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        if ((mode & UnixFileMode.OtherWrite) != 0)
            _warnings.Add($"{path} is writable by other users: anyone on this machine could replace a plugin. Run 'chmod o-w {path}'.");
    }
}
