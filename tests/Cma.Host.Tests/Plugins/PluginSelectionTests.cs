using System.Text.Json;
using Cma.Host.Cli;
using Cma.Runtime.Configuration;
using Cma.Runtime.Plugins;
using Cma.Host.Tests.Api;
using Cma.Host.Tests.Configuration;

namespace Cma.Host.Tests.Plugins;

/// <summary>
/// Plugins load only from the host's own <c>plugins/</c>, the configured <c>Plugins:Directories</c> (relative ones
/// against the config file's folder, never the working directory) and the operator's <c>--plugin</c> paths; and
/// <c>cma plugins</c> shows each one's SHA-256 for pinning.
/// </summary>
public class PluginSelectionTests
{
    [Fact]
    public void A_relative_plugin_directory_is_resolved_against_the_config_files_folder_not_the_working_directory()
    {
        using var folder = new TempConfigFolder();
        string config = folder.Write("""{ "Cma": { "Plugins": { "Directories": [ "extra" ] }, "Regions": [ { "Name": "a", "Size": "1M" } ] } }""");

        CmaConfigurationSource source = CmaConfigurationLoader.Read(config, AppContext.BaseDirectory, AppContext.BaseDirectory, new Dictionary<string, string>());

        Assert.Empty(source.PluginProblems);
        Assert.Equal([Path.Combine(folder.Path, "extra")], source.Plugins.Directories);
    }

    [Fact]
    public void Cma_plugins_loads_a_configured_relative_directory_and_prints_each_plugins_hash()
    {
        using var folder = new TempConfigFolder();
        string dll = TestAssemblies.CopyFaultyPlugin(Path.Combine(folder.Path, "extra"));
        string config = folder.Write("""{ "Cma": { "Plugins": { "Directories": [ "extra" ] }, "Regions": [ { "Name": "a", "Size": "1M" } ] } }""");

        (int exit, JsonElement doc, string error) = RunPluginsJson("--config", config);

        Assert.True(exit == 0, error);
        JsonElement faulty = Provider(doc, "faulty")!.Value;
        Assert.Equal(dll, faulty.GetProperty("file").GetString());
        Assert.Equal(PluginCatalog.Sha256Of(dll), faulty.GetProperty("sha256").GetString());
        Assert.All(doc.GetProperty("providers").EnumerateArray(), p => Assert.Matches("^[0-9a-f]{64}$", p.GetProperty("sha256").GetString()));
    }

    [Fact]
    public void Cma_plugins_loads_a_configured_directory_written_with_spaces_around_it_as_validation_reads_it()
    {
        using var folder = new TempConfigFolder();
        string dll = TestAssemblies.CopyFaultyPlugin(Path.Combine(folder.Path, "extra"));
        string config = folder.Write("""{ "Cma": { "Plugins": { "Directories": [ " extra " ] }, "Regions": [ { "Name": "a", "Size": "1M" } ] } }""");

        (int exit, JsonElement doc, string error) = RunPluginsJson("--config", config);

        Assert.True(exit == 0, error);
        Assert.Equal(dll, Provider(doc, "faulty")!.Value.GetProperty("file").GetString());
    }

    [Fact]
    public void Cma_plugins_table_lists_the_sha256_of_every_plugin_file()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = CmaCli.Run(["plugins", "--config", EmptyConfig(out TempConfigFolder folder), "--plugin", TestHost.FaultyPluginPath],
            new CliConsole(output, error, interactive: false));

        using (folder)
        {
            Assert.True(exit == 0, error.ToString());
            Assert.Contains("Cma.TestPlugins.Faulty.dll  " + PluginCatalog.Sha256Of(TestHost.FaultyPluginPath), output.ToString());
        }
    }

    [Fact]
    public void A_plugin_that_is_neither_configured_nor_named_with_plugin_is_not_loaded()
    {
        string config = EmptyConfig(out TempConfigFolder folder);
        using (folder)
        {
            (int exit, JsonElement doc, string error) = RunPluginsJson("--config", config);

            Assert.True(exit == 0, error);
            Assert.Null(Provider(doc, "faulty")); // test-plugins/ lies beside the executable, but only plugins/ is the host's own
            Assert.NotNull(Provider(doc, "best-fit"));
        }
    }

    [Fact]
    public void The_operators_plugin_path_loads_that_plugin()
    {
        string config = EmptyConfig(out TempConfigFolder folder);
        using (folder)
        {
            (int exit, JsonElement doc, string error) = RunPluginsJson("--config", config, "--plugin", TestHost.FaultyPluginPath);

            Assert.True(exit == 0, error);
            Assert.NotNull(Provider(doc, "faulty"));
        }
    }

    [Fact]
    public void Cma_plugins_exits_1_and_names_the_file_when_a_pin_refuses_a_plugin()
    {
        using var folder = new TempConfigFolder();
        string config = folder.Write($$"""{ "Cma": { "Plugins": { "Sha256": { "Cma.TestPlugins.Faulty.dll": "{{new string('0', 64)}}" } }, "Regions": [ { "Name": "a", "Size": "1M" } ] } }""");

        (int exit, JsonElement doc, _) = RunPluginsJson("--config", config, "--plugin", TestHost.FaultyPluginPath);

        Assert.Equal(1, exit);
        Assert.Null(Provider(doc, "faulty"));
        JsonElement failure = doc.GetProperty("failures").EnumerateArray().Single(f => f.GetProperty("file").GetString() == TestHost.FaultyPluginPath);
        Assert.Contains(PluginCatalog.Sha256Of(TestHost.FaultyPluginPath), failure.GetProperty("reason").GetString());
    }

    private static string EmptyConfig(out TempConfigFolder folder)
    {
        folder = new TempConfigFolder();
        return folder.Write("""{ "Cma": { "Regions": [ { "Name": "a", "Size": "1M" } ] } }""");
    }

    private static (int Exit, JsonElement Doc, string Error) RunPluginsJson(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CmaCli.Run(["plugins", "--json", .. args], new CliConsole(output, error, interactive: false));
        return (exit, JsonDocument.Parse(output.ToString()).RootElement.Clone(), error.ToString());
    }

    private static JsonElement? Provider(JsonElement doc, string name)
    {
        foreach (JsonElement p in doc.GetProperty("providers").EnumerateArray())
        {
            if (p.GetProperty("name").GetString() == name)
                return p;
        }
        return null;
    }
}
