namespace Cma.Packaging.Tests;

/// <summary>An application that embeds Cma from the packages: <c>PackageReference Include="Cma"</c> plus a plugin
/// package, its own appsettings.json; built, published and run.</summary>
[Collection(PackagesCollection.Name)]
[Trait("Category", "Packages")]
public sealed class EmbeddingTests(PackagedCma cma)
{
    /// <summary>Files of the tool and the test kit that must not reach an embedding application.</summary>
    private static readonly string[] s_foreignFiles =
        ["cma.dll", "System.CommandLine.dll", "Spectre.Console.dll", "CsCheck.dll", "Cma.Conformance.dll", "Cma.Conformance.Xunit.dll", "xunit.core.dll"];

    [Fact]
    public void The_published_app_allocates_from_best_fit_and_from_the_plugin_package()
    {
        CommandResult run = cma.Succeeded(cma.AppRun);

        Assert.Contains("camera buffer in 'frames': 1048576 bytes, 64K-aligned True, first byte 0x5A, last 0x5A", run.Output, StringComparison.Ordinal);
        Assert.Contains($"sensor chunk in 'acme' on {PackagedCma.ProviderName}: 8192 bytes", run.Output, StringComparison.Ordinal);
        Assert.Contains("the embedding app's own settings", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_output_holds_the_plugins_under_plugins_and_nothing_of_the_tool(bool published)
    {
        cma.Succeeded(published ? cma.AppPublish : cma.AppBuild);
        string output = published ? cma.AppPublishOutput : cma.AppBuildOutput;
        string[] files = [.. Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(output, f))];

        foreach (string plugin in new[] { "Cma.Plugins.BestFit", "Cma.Plugins.Bitmap", "Cma.Plugins.Buddy", "Cma.Plugins.Tlsf", PackagedCma.PluginName })
            Assert.Contains(Path.Combine("plugins", plugin, plugin + ".dll"), files);
        Assert.Contains("Cma.Runtime.dll", files);
        foreach (string foreign in s_foreignFiles)
            Assert.DoesNotContain(files, f => Path.GetFileName(f).Equals(foreign, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(files, f => f.StartsWith("workloads", StringComparison.Ordinal));
        Assert.DoesNotContain(PackagedCma.PluginName + ".dll", files);   // never a compile reference of the app
        Assert.Contains("the embedding app's own settings", File.ReadAllText(Path.Combine(output, "appsettings.json")), StringComparison.Ordinal);
    }
}

/// <summary>The repository's embedding sample (tests/samples/Cma.Samples.Embedding), which references the <c>Cma</c>
/// package from the feed like any application: it allocates an aligned buffer, hands its pointer to libc and frees it.</summary>
[Collection(PackagesCollection.Name)]
[Trait("Category", "Packages")]
public sealed class EmbeddingSampleTests(PackagedCma cma)
{
    [Fact]
    public void The_sample_allocates_an_aligned_buffer_fills_it_hands_it_to_libc_and_frees_it()
    {
        CommandResult run = cma.Succeeded(cma.SampleRun);

        Assert.Contains("allocated 8 MiB", run.Output, StringComparison.Ordinal);
        Assert.Contains("1 MiB-aligned: True", run.Output, StringComparison.Ordinal);
        Assert.Contains("memchr found it at offset 4194304; bytes as expected: True", run.Output, StringComparison.Ordinal);
        Assert.Contains("freed", run.Output, StringComparison.Ordinal);
    }
}
