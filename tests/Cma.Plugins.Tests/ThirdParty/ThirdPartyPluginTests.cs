using Cma.Conformance;
using Cma.Host.Cli;
using Cma.Runtime.Plugins;

namespace Cma.Plugins.Tests.ThirdParty;

/// <summary>
/// The third-party path end to end: the sample next-fit plugin, built outside the solution against the contract as a
/// NuGet package (<see cref="SamplePluginBuild"/>), ships none of the contract, is loaded by the host from a configured
/// plugin directory, binds a region, reports its settings errors the host's way, and passes the conformance kit.
/// </summary>
[Collection(ThirdPartyCollection.Name)]
public sealed class ThirdPartyPluginTests(SamplePluginBuild build)
{
    /// <summary>Random operations for the kit here: enough to exercise next fit's wrap-around, quick in Debug.</summary>
    private static readonly ConformanceOptions s_options = new() { Ops = 20_000 };

    [Fact]
    public void The_sample_restores_the_packed_contract_and_ships_none_of_it()
    {
        string restored = Path.Combine(build.RestoredPackages, "cma.abstractions");

        Assert.Equal([build.ContractVersion], Directory.GetDirectories(restored).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(build.PluginDirectory, SamplePluginBuild.PluginName + ".dll")), build.BuildLog);
        Assert.False(File.Exists(Path.Combine(build.PluginDirectory, "Cma.Abstractions.dll")), "the plugin must not ship the contract");
        Assert.False(File.Exists(Path.Combine(build.PluginDirectory, "Microsoft.Extensions.Configuration.Abstractions.dll")),
            "the plugin must not ship the configuration abstractions the host shares");
    }

    [Fact]
    public void The_host_loads_the_sample_from_a_configured_directory_and_binds_a_region_to_it()
    {
        string config = build.WriteConfig("""{ "RewindWhenEmpty": "true" }""");

        (int code, string output, string error) = Cli("info", "--config", config);

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("next-fit", output, StringComparison.Ordinal);
        Assert.DoesNotContain("fenced", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_misspelt_setting_of_the_sample_is_a_configuration_error_naming_the_region()
    {
        string config = build.WriteConfig("""{ "RewindWhenEmty": "true" }""");

        (int code, string output, string error) = Cli("info", "--config", config);

        Assert.True(code == 2, $"exit {code}\n{output}\n{error}");
        Assert.Contains("region 'nf' (next-fit): Unknown setting 'RewindWhenEmty'. Did you mean 'RewindWhenEmpty'?", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_loaded_through_the_catalog_passes_every_check_of_the_kit()
    {
        using PluginCatalog catalog = PluginCatalog.Load([build.PluginsDirectory]);
        Assert.Empty(catalog.Failures);
        PluginProvider provider = Assert.Single(catalog.Providers);

        IReadOnlyList<ConformanceResult> results = ConformanceRunner.Run(provider.Instance, s_options);

        Assert.Equal("next-fit", provider.Name);
        Assert.Equal(ConformanceSuite.All.Count, results.Count);
        Assert.All(results, result => Assert.True(result.Passed, $"{result.CheckName}: {result.Message}"));
    }

    [Fact]
    public void Cma_conformance_given_the_sample_dll_passes_it()
    {
        string dll = Path.Combine(build.PluginDirectory, SamplePluginBuild.PluginName + ".dll");

        (int code, string output, string error) = Cli("conformance", "--config", build.WriteConfig("{}"), "--plugin", dll, "--allocator", "next-fit", "--ops", "2000");

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        // The sample does not implement exact placement (contract 1.1's optional ICmaExactPlacement): those checks do not apply.
        int exact = ConformanceSuite.All.Count(c => c.RequiresExactPlacement);
        Assert.Contains($"conformance: 1 allocator(s) × {ConformanceSuite.All.Count} checks: {ConformanceSuite.All.Count - exact} passed, 0 failed, " +
            $"{exact} not applicable (no exact placement)", output, StringComparison.Ordinal);
        Assert.Contains("no (1.0 contract)", output, StringComparison.Ordinal);
    }

    /// <summary>Runs the <c>cma</c> command line in-process, capturing what it prints.</summary>
    private static (int ExitCode, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CmaCli.Run(args, new CliConsole(output, error, interactive: false));
        return (code, output.ToString(), error.ToString());
    }
}
