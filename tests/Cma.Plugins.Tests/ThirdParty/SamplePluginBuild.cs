using Cma.Tests.Shared;

namespace Cma.Plugins.Tests.ThirdParty;

/// <summary>
/// The third-party path, done once for the collection as a stranger would do it: the contract packed from a temporary
/// copy of <c>Cma.Abstractions/</c> (its own artifacts path, so the tree other tests use is untouched) under a unique
/// version of the contract's major into a temporary feed; the sample plugin <c>tests/samples/Cma.Samples.NextFit</c>
/// copied out of the repository and built against that package only, restored into a private packages folder (so no
/// stale cached package is used); its output dropped into a temporary plugin directory that a temporary configuration
/// names. Any step that fails throws, and every test of the collection fails with the tool's output.
/// </summary>
public sealed class SamplePluginBuild : IDisposable
{
    /// <summary>The sample's project (and plugin folder and DLL) name.</summary>
    public const string PluginName = "Cma.Samples.NextFit";

    /// <summary>How long one dotnet command may take on a loaded 2-core machine.</summary>
    private static readonly TimeSpan s_stepTimeout = TimeSpan.FromMinutes(4);

    /// <summary>Packs the contract, builds the sample against it and installs it; throws on any failure.</summary>
    public SamplePluginBuild()
    {
        string repo = RepositoryTree.Root();
        Root = Path.Combine(Path.GetTempPath(), "cma-third-party-" + Guid.NewGuid().ToString("N"));
        int major = typeof(ICmaAllocatorProvider).Assembly.GetName().Version!.Major;
        ContractVersion = $"{major}.0.{(int)(DateTime.UtcNow - new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalMinutes}{Random.Shared.Next(100):00}";
        string feed = Path.Combine(Root, "feed");

        string contract = Path.Combine(Root, "contract");
        RepositoryTree.Copy(Path.Combine(repo, "Cma.Abstractions"), Path.Combine(contract, "Cma.Abstractions"));
        File.Copy(Path.Combine(repo, "Directory.Build.props"), Path.Combine(contract, "Directory.Build.props"));
        foreach (string file in new[] { "Directory.Packages.props", "Directory.Build.targets", "LICENSE" })
            File.Copy(Path.Combine(repo, file), Path.Combine(contract, file));
        DotnetCommand.Run(contract, s_stepTimeout, "pack", Path.Combine(contract, "Cma.Abstractions", "Cma.Abstractions.csproj"),
            "-c", "Release", $"-p:Version={ContractVersion}", "-o", feed, "--artifacts-path", Path.Combine(Root, "artifacts"), "--disable-build-servers").OutputOrThrow();

        string sample = Path.Combine(Root, "sample", PluginName);
        RepositoryTree.Copy(Path.Combine(repo, "tests", "samples", PluginName), sample);
        BuildLog = DotnetCommand.Run(sample, s_stepTimeout, "build", Path.Combine(sample, PluginName + ".csproj"), "-c", "Release",
            "--source", feed, "--source", "https://api.nuget.org/v3/index.json",
            $"-p:RestorePackagesPath={Path.Combine(Root, "packages")}", $"-p:CmaAbstractionsVersion={ContractVersion}", "--disable-build-servers").OutputOrThrow();

        PluginsDirectory = Path.Combine(Root, "plugins");
        PluginDirectory = Path.Combine(PluginsDirectory, PluginName);
        RepositoryTree.Copy(Path.Combine(sample, "bin", "Release", "net10.0"), PluginDirectory);
        RestoredPackages = Path.Combine(Root, "packages");
    }

    /// <summary>The temporary folder holding the feed, the copies, the packages and the plugins; deleted at the end.</summary>
    public string Root { get; }

    /// <summary>The unique version the contract was packed under, e.g. <c>1.0.84731207</c>.</summary>
    public string ContractVersion { get; }

    /// <summary>What <c>dotnet build</c> of the sample printed.</summary>
    public string BuildLog { get; }

    /// <summary>The private packages folder the sample restored into.</summary>
    public string RestoredPackages { get; }

    /// <summary>The temporary plugin directory (a folder of plugin folders).</summary>
    public string PluginsDirectory { get; }

    /// <summary>The installed plugin's folder, <c>&lt;plugins&gt;/Cma.Samples.NextFit/</c>.</summary>
    public string PluginDirectory { get; }

    /// <summary>Writes a configuration beside the plugin directory that loads it through <c>Plugins:Directories</c> and
    /// binds a region to <c>next-fit</c> with <paramref name="settingsJson"/>.</summary>
    /// <returns>The configuration file's path.</returns>
    public string WriteConfig(string settingsJson)
    {
        string path = Path.Combine(Root, $"appsettings-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""
            {
              "Cma": {
                "Granule": "4K",
                "DefaultAllocator": "next-fit",
                "Plugins": { "Directories": [ "plugins" ] },
                "Regions": [ { "Name": "nf", "Size": "16M", "Settings": {{settingsJson}} } ],
                "Map": [ "*=nf" ]
              }
            }
            """);
        return path;
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
    }
}
