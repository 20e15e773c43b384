using Cma.Runtime.Plugins;
using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>
/// The <c>Cma</c> configuration as read, once, by <see cref="CmaConfigurationLoader"/>: the section (from the file with
/// the environment on top, or the application's own section when embedded), what its fields are named from, the
/// folder relative paths resolve against, the problems found reading it, and its plugin settings already read and
/// validated, so that the catalog loads from exactly what validation accepts. Validating it
/// (<see cref="CmaConfigurationLoader.Validate"/>) needs the catalog's allocator names, so it comes second.
/// Immutable.
/// </summary>
internal sealed class CmaConfigurationSource
{
    /// <summary>The problems found reading the section (file, JSON syntax and shape), in order.</summary>
    private readonly ConfigProblem[] _readProblems;

    /// <summary>The problems found reading <c>Plugins</c>, in order; validation reports them where <c>Plugins</c> is read.</summary>
    private readonly ConfigProblem[] _pluginProblems;

    private CmaConfigurationSource(IConfiguration? section, string prefix, string? path, string baseDirectory,
        ConfigProblem[] readProblems, ConfigProblem[] pluginProblems, PluginSources plugins)
    {
        Section = section;
        Prefix = prefix;
        Path = path;
        BaseDirectory = baseDirectory;
        _readProblems = readProblems;
        _pluginProblems = pluginProblems;
        Plugins = plugins;
    }

    /// <summary>The <c>Cma</c> section; null when reading stopped at a problem (no file, unreadable, not JSON).</summary>
    public IConfiguration? Section { get; }

    /// <summary>The section's full path, the prefix of every field (<c>Cma</c>).</summary>
    public string Prefix { get; }

    /// <summary>The configuration file read, or null when none was.</summary>
    public string? Path { get; }

    /// <summary>The folder relative plugin directories resolve against (absolute).</summary>
    public string BaseDirectory { get; }

    /// <summary>The plugin directories and pins, validated; the catalog loads from these.</summary>
    public PluginSources Plugins { get; }

    /// <summary>The problems found reading the section, before validation.</summary>
    public IReadOnlyList<ConfigProblem> ReadProblems => _readProblems;

    /// <summary>The problems found reading <c>Plugins</c>.</summary>
    public IReadOnlyList<ConfigProblem> PluginProblems => _pluginProblems;

    /// <summary>A source that could not be read: only its problems.</summary>
    internal static CmaConfigurationSource Unreadable(string prefix, string? path, ConfigProblems problems) =>
        new(null, prefix, path, "", [.. problems.Items], [], PluginSources.None);

    /// <summary>A readable source: reads its plugin settings now (the catalog needs them before validation).</summary>
    internal static CmaConfigurationSource Create(IConfiguration section, string prefix, string? path, string baseDirectory, ConfigProblems problems)
    {
        // The plugin reader sees the problems so far (a field the JSON check blamed is not blamed again), and only
        // what it adds is kept for validation to report in its place.
        var withPlugins = new ConfigProblems(problems.Items);
        PluginSources plugins = new PluginSectionReader(new ConfigFieldReader(withPlugins), baseDirectory).Read(section, prefix);
        ConfigProblem[] pluginProblems = [.. withPlugins.Items.Skip(problems.Count)];
        return new(section, prefix, path, baseDirectory, [.. problems.Items], pluginProblems, plugins);
    }
}
