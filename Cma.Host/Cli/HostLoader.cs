using System.CommandLine;
using System.Text;
using Cma.Runtime.Configuration;
using Cma.Runtime.Files;
using Cma.Runtime.Plugins;
using Microsoft.Extensions.Logging;

namespace Cma.Host.Cli;

/// <summary>
/// What every command starts from: the plugins loaded (first-party <c>plugins/</c> beside the executable, the
/// configured <c>Plugins:Directories</c>, and the operator's <c>--plugin</c> paths — never a path from a trace or an
/// API caller), read from the configuration file, which is read once, then the configuration validated against the loaded allocator names, then the regions bound. Any
/// configuration problem ends the command with exit code 2 and every problem listed.
/// </summary>
internal sealed class HostLoader : IDisposable
{
    private HostLoader(CmaConfigurationSource configuration, PluginCatalog catalog, ILoggerFactory loggerFactory)
    {
        _configuration = configuration;
        Catalog = catalog;
        LoggerFactory = loggerFactory;
    }

    /// <summary>The configuration as read (once, before the plugins load); validated by <see cref="LoadConfiguration"/>.</summary>
    private readonly CmaConfigurationSource _configuration;

    /// <summary>The loaded plugins.</summary>
    public PluginCatalog Catalog { get; }

    /// <summary>Logging for the host (warnings and errors to standard error).</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The validated configuration (after <see cref="LoadConfiguration"/>).</summary>
    public CmaOptions? Options { get; private set; }

    /// <summary>The configuration file used.</summary>
    public string? ConfigPath { get; private set; }

    /// <summary>The bound service (after <see cref="BuildService"/>).</summary>
    public CmaService? Service { get; private set; }

    /// <summary>The largest configuration file read: a configuration is a few kilobytes, so a bigger file is the wrong one.</summary>
    private const long MaxConfigBytes = 16 << 20;

    /// <summary>Loads the plugins the configuration and the command line name. A <c>--plugin</c> path that names no plugin
    /// file ends the command with exit code 2, saying which layouts are accepted.</summary>
    public static HostLoader LoadPlugins(ParseResult parse, CliConsole console)
    {
        string? explicitPath = parse.GetValue(CliOptions.Config);
        string[] extra = parse.GetValue(CliOptions.Plugin) ?? [];
        CheckConfigFile(explicitPath);
        foreach (string path in extra)
            CheckPluginPath(path);
        ILoggerFactory loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b
            .AddSimpleConsole(o => { o.SingleLine = true; o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled; })
            .AddFilter((category, level) => level >= LogLevel.Warning && category?.StartsWith("Cma", StringComparison.Ordinal) == true)
            .SetMinimumLevel(LogLevel.Warning));
        CmaConfigurationSource configuration = CmaConfigurationLoader.Read(explicitPath, Environment.CurrentDirectory, AppContext.BaseDirectory);
        PluginCatalog catalog = PluginCatalog.Load(configuration.Plugins, extra, loggerFactory);
        foreach (string warning in catalog.Warnings)
            console.Error.WriteLine("cma: warning: " + warning);
        if (catalog.UnusablePaths.Count > 0)
        {
            string message = string.Join(Environment.NewLine, catalog.UnusablePaths.Select(f => $"cma: --plugin {f.FilePath}: {f.Reason}"));
            catalog.Dispose();
            loggerFactory.Dispose();
            throw new CliExitException(2, message + Environment.NewLine + "Nothing was run. Fix the --plugin path and run again.");
        }
        return new HostLoader(configuration, catalog, loggerFactory);
    }

    /// <summary>Validates the configuration; every problem ends the command with exit code 2.</summary>
    public CmaOptions LoadConfiguration(ParseResult parse)
    {
        ConfigLoadResult result = CmaConfigurationLoader.Validate(_configuration, [.. Catalog.Providers.Select(p => p.Name)]);
        ConfigPath = result.SourcePath;
        if (!result.IsValid)
            throw new CliExitException(2, ProblemReport(result.SourcePath, result.Problems, Catalog));
        Options = result.Options!;
        return Options;
    }

    /// <summary>Binds the regions to their plugins; configuration problems end the command with exit code 2.</summary>
    public CmaService BuildService(ParseResult parse)
    {
        CmaOptions options = Options ?? LoadConfiguration(parse);
        (CmaService? service, IReadOnlyList<ConfigProblem> problems) = CmaRuntimeBuilder.Build(options, Catalog, LoggerFactory);
        if (service is null)
            throw new CliExitException(2, ProblemReport(ConfigPath, problems, Catalog));
        Service = service;
        return service;
    }

    /// <summary>Refuses, before anything reads it, a configuration file that would block the reader (a named pipe), never
    /// end (<c>/dev/zero</c>) or is not a file at all; a missing file is the configuration loader's to report.</summary>
    private static void CheckConfigFile(string? explicitPath)
    {
        if (explicitPath is { Length: 0 })
            throw new CliExitException(2, $"cma: --config is empty; give the path of a configuration file (e.g. --config {CmaConfigurationLoader.FileName}).");
        string? path = CmaConfigurationLoader.ChooseFile(explicitPath, Environment.CurrentDirectory, AppContext.BaseDirectory)
            ?? (explicitPath is null ? null : Path.GetFullPath(explicitPath));
        if (path is null)
            return;
        FileKind kind = FileKinds.Of(path);
        string what = explicitPath is null ? $"the configuration file {path}" : $"--config {explicitPath}";
        if (kind == FileKind.Directory)
            throw new CliExitException(2, $"cma: {what} is a directory; give the configuration file in it (e.g. {Path.Combine(explicitPath ?? path, CmaConfigurationLoader.FileName)}).");
        if (kind is not (FileKind.Regular or FileKind.Missing))
            throw new CliExitException(2, $"cma: {what} is {FileKinds.Describe(kind)}, not a regular file; give a configuration file (JSON).");
        if (kind == FileKind.Regular && new FileInfo(path).Length is long length && length > MaxConfigBytes)
        {
            throw new CliExitException(2, $"cma: {what} is {CmaSize.FormatApproximate((ulong)length)}; a configuration is a few kilobytes of JSON "
                + $"(at most {CmaSize.FormatApproximate(MaxConfigBytes)} is read). Check the path.");
        }
    }

    /// <summary>Refuses a <c>--plugin</c> path that is a special file: reading a named pipe or a device to hash it or to
    /// read its metadata would block or never end. A missing path is the catalog's to report as a load failure.</summary>
    private static void CheckPluginPath(string path)
    {
        if (path.Length == 0)
            throw new CliExitException(2, "cma: --plugin is empty; give a plugin DLL, a plugin folder <Name>/ holding <Name>.dll, or a folder of plugin folders.");
        FileKind kind = FileKinds.Of(Path.GetFullPath(path));
        if (kind is not (FileKind.Regular or FileKind.Directory or FileKind.Missing))
        {
            throw new CliExitException(2, $"cma: --plugin {path} is {FileKinds.Describe(kind)}; give a plugin DLL, a plugin folder <Name>/ holding <Name>.dll, "
                + "or a folder of plugin folders.");
        }
    }

    /// <summary>One paragraph listing every problem, with the fix in each line.</summary>
    public static string ProblemReport(string? path, IReadOnlyList<ConfigProblem> problems, PluginCatalog catalog)
    {
        var text = new StringBuilder();
        string where = path is null ? "the configuration" : $"the configuration in {path}";
        text.Append("cma: ").Append(where).Append(problems.Count == 1 ? " has 1 problem:" : $" has {problems.Count} problems:").AppendLine();
        foreach (ConfigProblem p in problems)
            text.Append("  - ").AppendLine(p.ToString());
        if (catalog.Failures.Count > 0 && problems.Any(p => p.Field.EndsWith(":Allocator", StringComparison.Ordinal) || p.Field.EndsWith("DefaultAllocator", StringComparison.Ordinal)))
        {
            text.AppendLine("Plugins that failed to load:");
            foreach (PluginLoadFailure f in catalog.Failures)
                text.Append("  - ").AppendLine(f.ToString());
        }
        text.Append("Nothing was changed. Fix the configuration and run again.");
        return text.ToString();
    }

    public void Dispose()
    {
        Service?.Dispose();
        Catalog.Dispose();
        LoggerFactory.Dispose();
    }
}
