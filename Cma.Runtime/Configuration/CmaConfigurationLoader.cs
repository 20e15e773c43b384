using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>
/// Reads the <c>Cma</c> configuration once (<see cref="Read"/>, or <see cref="ReadSection"/> when embedded), then, once
/// the catalog has loaded the plugins it names, validates it (<see cref="Validate"/>), reporting every problem at
/// once and never throwing for a user's mistake. Which file: the explicit path if given; else <c>appsettings.json</c> in the working
/// directory; else the one beside the executable. Environment variables prefixed <c>CMA_</c> layer on top, the
/// .NET way (<c>CMA_Cma__Regions__0__Allocator=buddy</c>). The raw JSON is checked first (syntax with line and
/// column, duplicate keys, JSON types), then the merged configuration is validated as text.
/// Without <c>Map</c>, the map is one catch-all rule <c>*=&lt;every region in order&gt;</c>.
/// </summary>
internal static class CmaConfigurationLoader
{
    /// <summary>The configuration file's name.</summary>
    public const string FileName = "appsettings.json";

    /// <summary>The section the host reads.</summary>
    public const string SectionName = "Cma";

    /// <summary>The environment variable prefix.</summary>
    public const string EnvironmentPrefix = "CMA_";

    /// <summary>Reads the configuration for the host, once: the file chosen, read, checked as JSON and layered with the
    /// environment; then its plugin settings (see <see cref="CmaConfigurationSource"/>). Never throws for a user's mistake.</summary>
    /// <param name="explicitPath">The <c>--config</c> path (relative to <paramref name="workingDirectory"/>), or null.</param>
    /// <param name="workingDirectory">The current directory.</param>
    /// <param name="executableDirectory">The folder of the host's executable.</param>
    /// <param name="environment">The environment variables; null means the process environment.</param>
    public static CmaConfigurationSource Read(string? explicitPath, string workingDirectory, string executableDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(workingDirectory);
        ArgumentNullException.ThrowIfNull(executableDirectory);
        var problems = new ConfigProblems();
        string? path = ChooseFile(explicitPath, workingDirectory, executableDirectory);
        if (explicitPath is not null && path is null)
        {
            string full = Path.GetFullPath(explicitPath, workingDirectory);
            problems.Add(SectionName, Directory.Exists(full)
                ? $"config file '{full}' is a directory, not a file; give the JSON file's path, e.g. --config {Path.Combine(full, FileName)}."
                : $"config file '{full}' not found; check the --config path (relative paths start at '{workingDirectory}').");
            return CmaConfigurationSource.Unreadable(SectionName, null, problems);
        }

        var builder = new ConfigurationBuilder();
        if (path is not null && !TryAddFile(builder, path, problems))
            return CmaConfigurationSource.Unreadable(SectionName, path, problems);
        AddEnvironment(builder, environment);

        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            problems.Add(path ?? SectionName, $"the configuration cannot be read: {e.Message}");
            return CmaConfigurationSource.Unreadable(SectionName, path, problems);
        }
        if (path is null && !root.GetSection(SectionName).GetChildren().Any())
        {
            problems.Add(SectionName, $"no configuration found: there is no {FileName} in '{workingDirectory}' or in '{executableDirectory}', and no {EnvironmentPrefix}{SectionName}__* environment variables; pass --config PATH or create {FileName}.");
            return CmaConfigurationSource.Unreadable(SectionName, null, problems);
        }
        string baseDirectory = path is null ? Path.GetFullPath(workingDirectory) : Path.GetDirectoryName(path)!;
        return CmaConfigurationSource.Create(root.GetSection(SectionName), SectionName, path, baseDirectory, problems);
    }

    /// <summary>Reads an application's bound section, for embedding (<c>services.AddCma(configuration.GetSection("Cma"))</c>).
    /// No raw JSON checks are possible here (an empty <c>Map</c> array is indistinguishable from none, <c>5</c>
    /// from <c>"5"</c>); fields are named by the section's path.</summary>
    /// <param name="cmaSection">The <c>Cma</c> section.</param>
    /// <param name="baseDirectory">What relative plugin directories resolve against.</param>
    public static CmaConfigurationSource ReadSection(IConfiguration cmaSection, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(cmaSection);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        string prefix = cmaSection is IConfigurationSection { Path.Length: > 0 } section ? section.Path : SectionName;
        return CmaConfigurationSource.Create(cmaSection, prefix, null, Path.GetFullPath(baseDirectory), new ConfigProblems());
    }

    /// <summary>Validates what <see cref="Read"/> or <see cref="ReadSection"/> gave against the allocators the catalog
    /// loaded, reporting every problem (the reading's first).</summary>
    /// <param name="source">The configuration as read.</param>
    /// <param name="knownAllocators">The provider names the catalog loaded.</param>
    public static ConfigLoadResult Validate(CmaConfigurationSource source, IReadOnlyCollection<string> knownAllocators)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(knownAllocators);
        var problems = new ConfigProblems(source.ReadProblems);
        if (source.Section is null)
            return new ConfigLoadResult(null, problems.Items, source.Path);
        CmaOptions? options = new CmaSectionValidator(problems, knownAllocators, source).Validate();
        return new ConfigLoadResult(problems.Count == 0 ? options : null, problems.Items, source.Path);
    }

    /// <summary>Reads the file at <paramref name="path"/>, checks it as JSON and adds it to <paramref name="builder"/>;
    /// false (a problem recorded) when it cannot be read or the JSON provider could not read it.</summary>
    private static bool TryAddFile(ConfigurationBuilder builder, string path, ConfigProblems problems)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(path, $"the configuration file cannot be read: {e.Message} Check that it exists and is readable.");
            return false;
        }
        if (!ConfigJsonShape.Check(path, json, problems))
            return false;
        builder.AddJsonStream(new MemoryStream(json));
        return true;
    }

    /// <summary>The file to read: the explicit one if it exists, else the working directory's, else the
    /// executable's; null when there is none (or the explicit one is missing).</summary>
    internal static string? ChooseFile(string? explicitPath, string workingDirectory, string executableDirectory)
    {
        if (explicitPath is not null)
        {
            string full = Path.GetFullPath(explicitPath, workingDirectory);
            return File.Exists(full) ? full : null;
        }
        string inWorking = Path.GetFullPath(Path.Combine(workingDirectory, FileName));
        if (File.Exists(inWorking))
            return inWorking;
        string besideExecutable = Path.GetFullPath(Path.Combine(executableDirectory, FileName));
        return File.Exists(besideExecutable) ? besideExecutable : null;
    }

    /// <summary>Adds the <c>CMA_</c> environment variables: the process's, or the given ones the same way
    /// (prefix removed, <c>__</c> meaning <c>:</c>).</summary>
    private static void AddEnvironment(ConfigurationBuilder builder, IReadOnlyDictionary<string, string>? environment)
    {
        if (environment is null)
        {
            builder.AddEnvironmentVariables(EnvironmentPrefix);
            return;
        }
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string> variable in environment)
        {
            if (variable.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                values[variable.Key[EnvironmentPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = variable.Value;
        }
        builder.AddInMemoryCollection(values);
    }
}
