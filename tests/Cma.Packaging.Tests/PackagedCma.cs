using System.Diagnostics;
using System.Text;

namespace Cma.Packaging.Tests;

/// <summary>
/// Everything a user does with the packages, done once for the whole collection in a temporary folder outside the
/// repository, with the commands README.md, docs/plugins.md and docs/embedding.md give (each package pinned to this run's
/// unique version): (1) the solution packed into a local feed, from a copy of the repository (so the tree under test is
/// untouched); (2) <c>dotnet new nugetconfig</c> and <c>dotnet nuget add source</c> for that feed (the usual source
/// stays), plus, for isolation, a private packages folder; (3) the template installed, <c>dotnet new cma-plugin</c>, <c>dotnet
/// test</c> and <c>dotnet pack</c> of the new plugin; (4) the tool installed with <c>dotnet tool install
/// --tool-path</c> and run (main job, <c>plugins --plugin</c>, <c>conformance --plugin</c> on the new plugin's
/// package folder); (5) <c>dotnet new console</c>, <c>dotnet add package Cma</c> and the new plugin's package, its own
/// appsettings.json, built, published and run; (6) the repository's embedding sample built against the feed and run. Each step's result is kept for the tests; a step
/// whose prerequisite failed is not run. How long each step took is written to packaging-timings.txt beside this
/// assembly (.ci/run prints it).
/// </summary>
public sealed class PackagedCma : IDisposable
{
    /// <summary>The generated plugin's project name (and plugin folder and DLL name).</summary>
    public const string PluginName = "Acme.FirstFit";

    /// <summary>The provider name the template derives from <see cref="PluginName"/>.</summary>
    public const string ProviderName = "acme-firstfit";

    /// <summary>The embedding application's name.</summary>
    public const string AppName = "Acme.Embedder";

    /// <summary>How long one command may run on a loaded 2-core machine.</summary>
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(8);

    /// <summary>Each step by name, in the order run.</summary>
    private readonly List<(string Step, CommandResult? Result)> _steps = [];

    /// <summary>Runs every step (see the class summary); never throws for a failed step.</summary>
    public PackagedCma()
    {
        Root = Path.Combine(Path.GetTempPath(), "cma-packages-" + Guid.NewGuid().ToString("N")[..12]);
        Version = "1.0.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        Feed = Path.Combine(Root, "feed");
        Work = Path.Combine(Root, "work");
        ToolPath = Path.Combine(Root, "tools");
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Work);
        var clock = Stopwatch.StartNew();

        string source = Path.Combine(Root, "src");
        RepositoryTree.Copy(RepositoryTree.Root(), source);
        Pack = Step("pack the solution", () => DotnetCommand.Run(source, s_timeout, "pack", "Cma.sln", "-c", "Release", "-o", Feed, $"-p:CmaVersion={Version}"));
        NuGetConfig = Step("dotnet new nugetconfig", () => DotnetCommand.Run(Work, s_timeout, "new", "nugetconfig"));
        AddSource = Step("dotnet nuget add source", () => DotnetCommand.Run(Work, s_timeout, "nuget", "add", "source", Feed, "--name", "cma-local", "--configfile", "nuget.config"), NuGetConfig);
        IsolatePackages();

        string hive = Path.Combine(Root, "template-hive");
        PluginFolder = Path.Combine(Work, PluginName);
        TemplateInstall = Step("dotnet new install", () => DotnetCommand.Run(Work, s_timeout, "new", "install", $"Cma.Templates::{Version}", "--debug:custom-hive", hive), Pack, AddSource);
        TemplateCreate = Step("dotnet new cma-plugin", () => DotnetCommand.Run(Work, s_timeout, "new", "cma-plugin", "-n", PluginName, "-o", PluginName, "--debug:custom-hive", hive), TemplateInstall);
        PluginTest = Step("dotnet test (generated plugin)", () => DotnetCommand.Run(PluginFolder, s_timeout, "test"), TemplateCreate);
        PluginPack = Step("dotnet pack (generated plugin)", () => DotnetCommand.Run(PluginFolder, s_timeout, "pack", PluginName, "-c", "Release", "-o", Feed), TemplateCreate);
        PluginPackage = Path.Combine(Feed, $"{PluginName}.1.0.0.nupkg");
        PackagedPluginFolder = Path.Combine(Root, "acme-package", "plugins", PluginName);
        PluginUnzip = Step("unzip the plugin folder", () => DotnetCommand.RunProgram("unzip", Work, s_timeout, "-o", PluginPackage, "plugins/*", "-d", Path.Combine(Root, "acme-package")), PluginPack);

        ToolInstall = Step("dotnet tool install", () => DotnetCommand.Run(Work, s_timeout, "tool", "install", "Cma.Tool", "--version", Version, "--tool-path", ToolPath), Pack, AddSource);
        string cma = Path.Combine(ToolPath, "cma");
        ToolMainJob = Step("cma (main job)", () => DotnetCommand.RunProgram(cma, Work, s_timeout), ToolInstall);
        ToolPlugins = Step("cma plugins --plugin", () => DotnetCommand.RunProgram(cma, Work, s_timeout, "plugins", "--plugin", PackagedPluginFolder), ToolInstall, PluginUnzip);
        ToolConformance = Step("cma conformance --plugin", () => DotnetCommand.RunProgram(cma, Work, s_timeout, "conformance", "--plugin", PackagedPluginFolder), ToolInstall, PluginUnzip);

        ToolConformanceBuildOutput = Step("cma conformance --plugin bin/Release/net10.0", () => DotnetCommand.RunProgram(cma, PluginFolder, s_timeout, "conformance", "--plugin", Path.Combine(PluginName, "bin", "Release", "net10.0")), ToolInstall, PluginPack);

        AppFolder = Path.Combine(Work, AppName);
        AppCreate = Step("dotnet new console", () => DotnetCommand.Run(Work, s_timeout, "new", "console", "-n", AppName, "-o", AppName), AddSource);
        AppAddCma = Step("dotnet add package Cma", () => DotnetCommand.Run(AppFolder, s_timeout, "add", "package", "Cma", "--version", Version), AppCreate, Pack);
        AppAddPlugin = Step("dotnet add package Acme.FirstFit", () => DotnetCommand.Run(AppFolder, s_timeout, "add", "package", PluginName, "--version", "1.0.0"), AppAddCma, PluginPack);
        if (AppAddPlugin?.Succeeded == true)
            WriteEmbeddingApp();
        AppBuild = Step("dotnet build (embedding app)", () => DotnetCommand.Run(AppFolder, s_timeout, "build"), AppAddPlugin);
        AppPublish = Step("dotnet publish (embedding app)", () => DotnetCommand.Run(AppFolder, s_timeout, "publish", "-c", "Release", "-o", "publish"), AppBuild);
        AppBuildOutput = Path.Combine(AppFolder, "bin", "Debug", "net10.0");
        AppPublishOutput = Path.Combine(AppFolder, "publish");
        AppRun = Step("run the published app", () => DotnetCommand.Run(AppPublishOutput, s_timeout, Path.Combine(AppPublishOutput, AppName + ".dll")), AppPublish);

        SampleFolder = Path.Combine(Work, "Cma.Samples.Embedding");
        RepositoryTree.Copy(Path.Combine(RepositoryTree.Root(), "tests", "samples", "Cma.Samples.Embedding"), SampleFolder);
        SampleBuild = Step("dotnet build (embedding sample)", () => DotnetCommand.Run(SampleFolder, s_timeout, "build", "-c", "Release", $"-p:CmaVersion={Version}"), AddSource, Pack);
        SampleRun = Step("run the embedding sample", () => DotnetCommand.Run(SampleFolder, s_timeout, Path.Combine(SampleFolder, "bin", "Release", "net10.0", "Cma.Samples.Embedding.dll")), SampleBuild);

        WriteTimings(clock.Elapsed);
    }

    /// <summary>The temporary folder holding everything; deleted at the end.</summary>
    public string Root { get; }

    /// <summary>The version every package was packed with (unique per run, so no cached package is ever used).</summary>
    public string Version { get; }

    /// <summary>The local feed.</summary>
    public string Feed { get; }

    /// <summary>The folder outside the repository where the user works (holds the nuget.config).</summary>
    public string Work { get; }

    /// <summary>Where the tool is installed.</summary>
    public string ToolPath { get; }

    /// <summary>The folder <c>dotnet new cma-plugin -o</c> created.</summary>
    public string PluginFolder { get; }

    /// <summary>The generated plugin's package.</summary>
    public string PluginPackage { get; }

    /// <summary>The plugin folder inside the generated plugin's package (<c>plugins/Acme.FirstFit/</c>), extracted.</summary>
    public string PackagedPluginFolder { get; }

    /// <summary>The embedding application's project folder.</summary>
    public string AppFolder { get; }

    /// <summary>The embedding application's build output.</summary>
    public string AppBuildOutput { get; }

    /// <summary>The copy of tests/samples/Cma.Samples.Embedding, built against the feed.</summary>
    public string SampleFolder { get; }

    /// <summary>The embedding application's publish output.</summary>
    public string AppPublishOutput { get; }

#pragma warning disable CS1591 // one property per step, named after it
    public CommandResult? Pack { get; }
    public CommandResult? NuGetConfig { get; }
    public CommandResult? AddSource { get; }
    public CommandResult? AppCreate { get; }
    public CommandResult? AppAddCma { get; }
    public CommandResult? AppAddPlugin { get; }
    public CommandResult? TemplateInstall { get; }
    public CommandResult? TemplateCreate { get; }
    public CommandResult? PluginTest { get; }
    public CommandResult? PluginPack { get; }
    public CommandResult? PluginUnzip { get; }
    public CommandResult? ToolInstall { get; }
    public CommandResult? ToolMainJob { get; }
    public CommandResult? ToolPlugins { get; }
    public CommandResult? ToolConformance { get; }
    public CommandResult? ToolConformanceBuildOutput { get; }
    public CommandResult? AppBuild { get; }
    public CommandResult? AppPublish { get; }
    public CommandResult? AppRun { get; }
    public CommandResult? SampleBuild { get; }
    public CommandResult? SampleRun { get; }
#pragma warning restore CS1591

    /// <summary>Asserts that a step ran and succeeded; otherwise fails with the first failed step's output.</summary>
    public CommandResult Succeeded(CommandResult? step)
    {
        if (step is { Succeeded: true })
            return step;
        string? failed = _steps.Where(s => s.Result is { Succeeded: false }).Select(s => $"step '{s.Step}' failed: {s.Result}").FirstOrDefault();
        Assert.Fail(step is null ? "the step did not run: " + failed : step.ToString());
        return step!;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still open: the temporary folder is left for the system to clean.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Runs a step if every prerequisite succeeded; records it.</summary>
    private CommandResult? Step(string name, Func<CommandResult> run, params CommandResult?[] prerequisites)
    {
        CommandResult? result = prerequisites.All(p => p is { Succeeded: true }) ? run() : null;
        _steps.Add((name, result));
        return result;
    }

    /// <summary>Test isolation only (a user skips this): restore into a private packages folder, falling back to the
    /// user's cache for everything that is not ours, so no package from an earlier run is ever used.</summary>
    private void IsolatePackages()
    {
        string config = Path.Combine(Work, "nuget.config");
        if (!File.Exists(config))
            return;
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string text = File.ReadAllText(config).Replace("</configuration>", $"""
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" />
              </config>
              <fallbackPackageFolders>
                <add key="user-cache" value="{cache}" />
              </fallbackPackageFolders>
            </configuration>
            """, StringComparison.Ordinal);
        File.WriteAllText(config, text);
    }

    /// <summary>The fresh console application's code, its own appsettings.json (naming best-fit and the generated
    /// plugin) and the csproj line that copies it to the output.</summary>
    private void WriteEmbeddingApp()
    {
        string project = Path.Combine(AppFolder, AppName + ".csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("</Project>", """
              <ItemGroup>
                <None Update="appsettings.json" CopyToOutputDirectory="PreserveNewest" CopyToPublishDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>
            """, StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(AppFolder, "appsettings.json"), $$"""
            {
              "AppMarker": "the embedding app's own settings",
              "Cma": {
                "Regions": [
                  { "Name": "frames", "Size": "16M", "Allocator": "best-fit", "Backing": "Native" },
                  { "Name": "acme", "Size": "4M", "Allocator": "{{ProviderName}}" }
                ],
                "Map": [ "camera=frames", "*=acme" ]
              }
            }
            """);
        File.WriteAllText(Path.Combine(AppFolder, "Program.cs"), """
            using Cma.Runtime;
            using Microsoft.Extensions.Configuration;
            using Microsoft.Extensions.DependencyInjection;

            IConfiguration config = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json").Build();
            using ServiceProvider services = new ServiceCollection().AddCma(config.GetSection("Cma")).BuildServiceProvider();
            ICmaService cma = services.GetRequiredService<ICmaService>();

            using (CmaBuffer frame = cma.AllocateBuffer("camera", null, 1 << 20, 1 << 16))
            {
                frame.Span.Fill(0x5A);
                bool aligned = frame.Address % (1 << 16) == 0;
                Console.WriteLine($"camera buffer in '{frame.Region}': {frame.Size} bytes, 64K-aligned {aligned}, first byte 0x{frame.Span[0]:X2}, last 0x{frame.Span[^1]:X2}");
            }
            CmaChunk chunk = cma.Allocate("sensor", null, 8192);
            Console.WriteLine($"sensor chunk in '{chunk.Region}' on {cma.GetRegion(chunk.Region).Allocator}: {chunk.Size} bytes");
            cma.Free(chunk.Address);
            Console.WriteLine(config["AppMarker"]);
            """);
    }

    /// <summary>Writes each step's duration to packaging-timings.txt beside this assembly.</summary>
    private void WriteTimings(TimeSpan total)
    {
        var text = new StringBuilder($"package end-to-end steps ({total.TotalSeconds:0} s in all):\n");
        foreach ((string step, CommandResult? result) in _steps)
            text.AppendLine(result is null ? $"  {step,-34} not run" : $"  {step,-34} {result.Elapsed.TotalSeconds,6:0.0} s  exit {result.ExitCode}");
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "packaging-timings.txt"), text.ToString());
    }
}
