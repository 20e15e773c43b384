using System.Text.Json;
using Cma.Host.Tests.Api;
using Cma.Host.Tests.Cli;
using Cma.Host.Tests.Configuration;
using Cma.Runtime.Plugins;

namespace Cma.Host.Tests.Plugins;

/// <summary>
/// What <c>--plugin PATH</c> accepts: a plugin DLL, a plugin's folder <c>&lt;Name&gt;/&lt;Name&gt;.dll</c>, a build output
/// folder (<c>bin/Release/net10.0/</c>: one <c>&lt;Name&gt;.dll</c> beside its <c>&lt;Name&gt;.deps.json</c>), or a folder of
/// plugin folders. A path that yields no plugin at all is an error that says which layouts are accepted.
/// </summary>
public class ExplicitPluginPathTests
{
    [Fact]
    public void A_build_output_folder_given_with_plugin_loads_its_plugin()
    {
        using var project = new TempConfigFolder();
        string output = BuildOutput(project.Path);
        string config = project.Write("""{ "Cma": { "Regions": [ { "Name": "a", "Size": "1M" } ] } }""");

        (int exit, string json, string error) = CliRun.Run("plugins", "--json", "--config", config, "--plugin", output);

        Assert.True(exit == 0, error);
        JsonElement faulty = JsonDocument.Parse(json).RootElement.GetProperty("providers").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "faulty");
        Assert.Equal(Path.Combine(output, "Cma.TestPlugins.Faulty.dll"), faulty.GetProperty("file").GetString());
    }

    [Fact]
    public void The_catalog_loads_the_plugin_of_a_build_output_folder()
    {
        using var project = new TempConfigFolder();
        string output = BuildOutput(project.Path);

        using PluginCatalog catalog = PluginCatalog.Load([], [output + Path.DirectorySeparatorChar]);

        Assert.Equal(Path.Combine(output, "Cma.TestPlugins.Faulty.dll"), catalog.Find("faulty")!.FilePath);
        Assert.Empty(catalog.Failures);
    }

    [Fact]
    public void A_plugin_path_that_holds_no_plugin_ends_the_command_with_exit_code_2_naming_the_accepted_layouts()
    {
        using var empty = new TempConfigFolder();
        string config = empty.Write("""{ "Cma": { "Regions": [ { "Name": "a", "Size": "1M" } ] } }""");

        (int exit, string output, string error) = CliRun.Run("info", "--config", config, "--plugin", empty.Path);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains($"--plugin {empty.Path}: holds no plugin", error, StringComparison.Ordinal);
        Assert.Contains("<Name>/<Name>.dll", error, StringComparison.Ordinal);
        Assert.Contains("bin/Release/net10.0", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_plugin_path_ends_the_command_with_exit_code_2()
    {
        string missing = Path.Combine(Path.GetTempPath(), "cma-no-such-plugin-" + Guid.NewGuid().ToString("N"));

        (int exit, _, string error) = CliRun.Run("plugins", "--config", CliRun.DefaultConfig, "--plugin", missing);

        Assert.Equal(2, exit);
        Assert.Contains($"--plugin {missing}: no such plugin file or directory", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_with_two_dll_and_deps_json_pairs_is_refused_as_ambiguous()
    {
        using var project = new TempConfigFolder();
        string output = BuildOutput(project.Path);
        TestAssemblies.CopyFiles(Path.GetDirectoryName(TestAssemblies.HostilePluginPath)!, output);

        using PluginCatalog catalog = PluginCatalog.Load([], [output]);

        string reason = Assert.Single(catalog.Failures, f => f.FilePath == output).Reason;
        Assert.Contains("Cma.TestPlugins.Faulty.dll", reason, StringComparison.Ordinal);
        Assert.Contains("Cma.TestPlugins.Hostile.dll", reason, StringComparison.Ordinal);
        Assert.Empty(catalog.Providers);
    }

    /// <summary>Copies the faulty test plugin's build output into <c>&lt;project&gt;/bin/Release/net10.0/</c>, with the
    /// sub-folders a real build output has (satellite resources, runtimes/); returns that folder.</summary>
    private static string BuildOutput(string project)
    {
        string output = Path.Combine(project, "bin", "Release", "net10.0");
        TestAssemblies.CopyFiles(Path.GetDirectoryName(TestHost.FaultyPluginPath)!, output);
        Directory.CreateDirectory(Path.Combine(output, "de"));
        File.WriteAllText(Path.Combine(output, "de", "Cma.TestPlugins.Faulty.resources.dll"), "not an assembly");
        Directory.CreateDirectory(Path.Combine(output, "runtimes", "linux-x64", "native"));
        return output;
    }
}
