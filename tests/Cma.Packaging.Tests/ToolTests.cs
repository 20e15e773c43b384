namespace Cma.Packaging.Tests;

/// <summary>The tool from the feed: <c>dotnet tool install --tool-path</c>, then <c>cma</c>.</summary>
[Collection(PackagesCollection.Name)]
[Trait("Category", "Packages")]
public sealed class ToolTests(PackagedCma cma)
{
    [Fact]
    public void The_installed_tool_runs_the_main_job_with_its_bundled_plugins_configuration_and_workload()
    {
        CommandResult run = cma.Succeeded(cma.ToolMainJob);

        Assert.Contains("devices.trace", run.Output, StringComparison.Ordinal);
        foreach (string allocator in new[] { "best-fit", "bitmap", "buddy" })
            Assert.Contains(allocator, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tool_lists_a_plugin_from_its_package_folder()
    {
        CommandResult plugins = cma.Succeeded(cma.ToolPlugins);

        Assert.Contains(PackagedCma.ProviderName, plugins.Output, StringComparison.Ordinal);
        Assert.Contains("best-fit", plugins.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tool_runs_the_conformance_kit_on_a_plugin_from_its_package_folder()
    {
        CommandResult conformance = cma.Succeeded(cma.ToolConformance);

        Assert.Contains(PackagedCma.ProviderName, conformance.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tool_runs_the_conformance_kit_on_a_plugin_authors_build_output_folder()
    {
        CommandResult conformance = cma.Succeeded(cma.ToolConformanceBuildOutput);

        Assert.Contains(PackagedCma.ProviderName, conformance.Output, StringComparison.Ordinal);
    }
}
