using System.Text.Json;
using System.Text.Json.Nodes;
using Cma.Host.Tests.Api;
using Cma.Host.Tests.Configuration;
using Cma.Runtime.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cma.Host.Tests.Plugins;

/// <summary>
/// A plugin folder whose <c>.deps.json</c> is malformed is one refused plugin, with its path and the reason, and nothing
/// else. Each case is a copy of the real faulty test plugin's folder with its <c>.deps.json</c> corrupted. The .NET
/// host's native dependency resolver aborts the whole process on many of these shapes (std::logic_error, SIGSEGV, a
/// stack overflow), so every case is loaded by one child <c>cma plugins --json</c> process, beside an intact copy: if
/// the catalog let one through, the child dies and every case fails with its exit code and what it printed.
/// </summary>
public class MalformedDepsJsonTests : IClassFixture<MalformedDepsJsonTests.CatalogueRun>
{
    /// <summary>The runtime target of the test plugin's real <c>.deps.json</c>.</summary>
    private const string Target = ".NETCoreApp,Version=v10.0";

    /// <summary>The plugin's own library (package) key in it.</summary>
    private const string Library = "Cma.TestPlugins.Faulty/1.0.0";

    /// <summary>The catalogue: case name → (how the real file is corrupted, a fragment the refusal must contain).</summary>
    private static readonly Dictionary<string, (Func<string, string> Corrupt, string Expected)> s_cases = new()
    {
        ["not-json"] = (_ => "not json", "is not valid JSON at line 1"),
        ["empty-file"] = (_ => "", "is empty"),
        ["trailing-comma"] = (text => text.TrimEnd()[..^1] + ", }", "is not valid JSON"),
        ["nested-too-deep"] = (text => text.TrimEnd()[..^1] + ", \"x\": " + new string('[', 100_000) + new string(']', 100_000) + " }", "is not valid JSON"),
        ["empty-object"] = (_ => "{}", "has no \"runtimeTarget\""),
        ["array"] = (_ => "[]", "holds an array, not a JSON object"),
        ["runtime-target-number"] = (Edit(d => d["runtimeTarget"] = 5), "\"runtimeTarget\" is the number 5"),
        ["runtime-target-without-name"] = (Edit(d => d["runtimeTarget"] = new JsonObject()), "\"runtimeTarget\" has no string \"name\""),
        ["runtime-target-name-number"] = (Edit(d => d["runtimeTarget"]!["name"] = 5), "\"runtimeTarget\" has no string \"name\""),
        ["no-targets"] = (Edit(d => d.Remove("targets")), "has no \"targets\""),
        ["targets-number"] = (Edit(d => d["targets"] = 5), "\"targets\" is the number 5"),
        ["target-missing"] = (Edit(d => d["runtimeTarget"]!["name"] = ".NETCoreApp,Version=v9.0"), "\"targets\" has no \".NETCoreApp,Version=v9.0\""),
        ["target-string"] = (Edit(d => d["targets"]![Target] = "x"), $"targets[\"{Target}\"] is the string \"x\""),
        ["package-number"] = (Edit(d => d["targets"]![Target]![Library] = 5), $"[\"{Library}\"] is the number 5"),
        ["runtime-assets-string"] = (Edit(d => d["targets"]![Target]![Library]!["runtime"] = "x"), "runtime is the string \"x\""),
        ["runtime-asset-number"] = (Edit(d => d["targets"]![Target]![Library]!["runtime"] = new JsonObject { ["Cma.TestPlugins.Faulty.dll"] = 5 }), "[\"Cma.TestPlugins.Faulty.dll\"] is the number 5"),
        ["native-assets-number"] = (Edit(d => d["targets"]![Target]![Library]!["native"] = 5), "native is the number 5"),
        ["runtime-targets-string"] = (Edit(d => d["targets"]![Target]![Library]!["runtimeTargets"] = "x"), "runtimeTargets is the string \"x\""),
        ["runtime-target-without-asset-type"] = (Edit(d => d["targets"]![Target]![Library]!["runtimeTargets"] = new JsonObject { ["runtimes/linux-x64/native/a.so"] = new JsonObject { ["rid"] = "linux-x64" } }), "has no string \"assetType\""),
        ["runtime-target-without-rid"] = (Edit(d => d["targets"]![Target]![Library]!["runtimeTargets"] = new JsonObject { ["runtimes/linux-x64/native/a.so"] = new JsonObject { ["assetType"] = "native" } }), "has no string \"rid\""),
        ["no-libraries"] = (Edit(d => d.Remove("libraries")), "has no \"libraries\""),
        ["libraries-number"] = (Edit(d => d["libraries"] = 5), "\"libraries\" is the number 5"),
        ["library-string"] = (Edit(d => d["libraries"]![Library] = "x"), $"libraries[\"{Library}\"] is the string \"x\""),
        ["library-without-sha512"] = (Edit(d => d["libraries"]![Library]!.AsObject().Remove("sha512")), "has no string \"sha512\""),
        ["library-type-number"] = (Edit(d => d["libraries"]![Library]!["type"] = 5), "has no string \"type\""),
        ["duplicate-key"] = (text => text.Replace("\"targets\":", "\"targets\": 5, \"targets\":", StringComparison.Ordinal), "has the key \"targets\" twice"),
    };

    /// <summary>The child process's run over every case.</summary>
    private readonly CatalogueRun _run;

    public MalformedDepsJsonTests(CatalogueRun run) => _run = run;

    public static TheoryData<string> Cases() => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_malformed_deps_json_refuses_that_plugin_only_with_its_path_and_the_reason(string name)
    {
        Assert.True(_run.ExitCode == 1, $"cma plugins exited {_run.ExitCode}:\n{_run.Error}");
        JsonElement[] failures = [.. _run.Failures.Where(f => f.GetProperty("file").GetString() == _run.Dll(name))];

        string reason = Assert.Single(failures).GetProperty("reason").GetString()!;
        Assert.Contains("its dependency manifest Cma.TestPlugins.Faulty.deps.json ", reason, StringComparison.Ordinal);
        Assert.Contains(s_cases[name].Expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deps_json_that_is_a_directory_refuses_that_plugin_with_the_reason()
    {
        Assert.True(_run.ExitCode == 1, $"cma plugins exited {_run.ExitCode}:\n{_run.Error}");

        string reason = Assert.Single(_run.Failures, f => f.GetProperty("file").GetString() == _run.Dll(CatalogueRun.DirectoryCase)).GetProperty("reason").GetString()!;

        Assert.Contains("Cma.TestPlugins.Faulty.deps.json is a directory", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Beside_every_malformed_copy_the_intact_copy_and_the_first_party_plugins_load_and_nothing_else_fails()
    {
        Assert.True(_run.ExitCode == 1, $"cma plugins exited {_run.ExitCode}:\n{_run.Error}");

        JsonElement faulty = Assert.Single(_run.Providers, p => p.GetProperty("name").GetString() == "faulty");
        Assert.Equal(_run.Dll(CatalogueRun.IntactCase), faulty.GetProperty("file").GetString());
        Assert.Contains(_run.Providers, p => p.GetProperty("name").GetString() == "best-fit");
        Assert.Equal(s_cases.Count + 1, _run.Failures.Length);
    }

    [Fact]
    public void An_embedding_app_starts_when_a_plugin_folder_holds_a_deps_json_that_is_not_json()
    {
        using var dir = new TempConfigFolder();
        string dll = TestAssemblies.CopyFaultyPlugin(dir.Path);
        File.WriteAllText(Path.ChangeExtension(dll, ".deps.json"), "not json");
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cma:Plugins:Directories:0"] = dir.Path,
            ["Cma:Regions:0:Name"] = "a",
            ["Cma:Regions:0:Size"] = "1M",
        }).Build();
        using ServiceProvider services = new ServiceCollection().AddCma(config.GetSection("Cma")).BuildServiceProvider();

        ICmaService cma = services.GetRequiredService<ICmaService>();

        Assert.Equal("a", Assert.Single(cma.GetRegions()).Name);
        PluginLoadFailure failure = Assert.Single(services.GetRequiredService<PluginCatalog>().Failures);
        Assert.Equal(dll, failure.FilePath);
        Assert.Contains("Cma.TestPlugins.Faulty.deps.json is not valid JSON at line 1, column 2", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_catalog_refuses_a_deps_json_that_is_not_json_in_process_and_loads_the_others()
    {
        using var dir = new TempConfigFolder();
        string dll = TestAssemblies.CopyFaultyPlugin(dir.Path);
        File.WriteAllText(Path.ChangeExtension(dll, ".deps.json"), "{ \"runtimeTarget\": ");

        using PluginCatalog catalog = PluginCatalog.Load([PluginCatalog.FirstPartyDirectory, dir.Path]);

        Assert.Contains("is not valid JSON", Assert.Single(catalog.Failures, f => f.FilePath == dll).Reason, StringComparison.Ordinal);
        Assert.NotNull(catalog.Find("best-fit"));
    }

    /// <summary>Replaces the file with the real one parsed, changed by <paramref name="change"/>, and written back.</summary>
    private static Func<string, string> Edit(Action<JsonObject> change) => text =>
    {
        JsonObject document = JsonNode.Parse(text)!.AsObject();
        change(document);
        return document.ToJsonString();
    };

    /// <summary>Writes every case (and an intact copy) under one folder and runs <c>cma plugins --json</c> over them once.</summary>
    public sealed class CatalogueRun : IDisposable
    {
        /// <summary>The case whose <c>.deps.json</c> is a directory.</summary>
        public const string DirectoryCase = "deps-json-directory";

        /// <summary>The unchanged copy.</summary>
        public const string IntactCase = "intact";

        /// <summary>Holds <c>&lt;case&gt;/Cma.TestPlugins.Faulty/</c> for every case.</summary>
        private readonly TempConfigFolder _root = new();

        public CatalogueRun()
        {
            string original = File.ReadAllText(Path.ChangeExtension(TestHost.FaultyPluginPath, ".deps.json"));
            var arguments = new List<string> { "plugins", "--json", "--config", _root.Write("""{ "Cma": { "Regions": [ { "Name": "a", "Size": "1M" } ] } }""") };
            foreach ((string name, (Func<string, string> corrupt, _)) in s_cases)
            {
                File.WriteAllText(DepsJson(name), corrupt(original));
                arguments.AddRange(["--plugin", Path.Combine(_root.Path, name)]);
            }
            string directory = DepsJson(DirectoryCase);
            File.Delete(directory);
            Directory.CreateDirectory(directory);
            DepsJson(IntactCase);
            arguments.AddRange(["--plugin", Path.Combine(_root.Path, DirectoryCase), "--plugin", Path.Combine(_root.Path, IntactCase)]);

            (ExitCode, string output, Error) = CmaProcess.Run(_root.Path, [.. arguments]);
            if (ExitCode is 0 or 1)
            {
                using JsonDocument doc = JsonDocument.Parse(output);
                Providers = [.. doc.RootElement.GetProperty("providers").EnumerateArray().Select(p => p.Clone())];
                Failures = [.. doc.RootElement.GetProperty("failures").EnumerateArray().Select(f => f.Clone())];
            }
        }

        /// <summary>The child's exit code: 1 when it listed refusals; 134 or 139 when the runtime aborted it.</summary>
        public int ExitCode { get; }

        /// <summary>What the child wrote on standard error.</summary>
        public string Error { get; }

        /// <summary>The providers it listed.</summary>
        public JsonElement[] Providers { get; } = [];

        /// <summary>The failures it listed.</summary>
        public JsonElement[] Failures { get; } = [];

        /// <summary>The copied plugin DLL of case <paramref name="name"/>.</summary>
        public string Dll(string name) => Path.Combine(_root.Path, name, "Cma.TestPlugins.Faulty", "Cma.TestPlugins.Faulty.dll");

        public void Dispose() => _root.Dispose();

        /// <summary>Copies the faulty plugin's folder for case <paramref name="name"/>; returns its <c>.deps.json</c>.</summary>
        private string DepsJson(string name) =>
            Path.ChangeExtension(TestAssemblies.CopyFaultyPlugin(Path.Combine(_root.Path, name)), ".deps.json");
    }
}
