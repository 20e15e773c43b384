using System.IO.Compression;

namespace Cma.Packaging.Tests;

/// <summary>A plugin author's path: <c>dotnet new install Cma.Templates</c>, <c>dotnet new cma-plugin</c>,
/// <c>dotnet test</c>, <c>dotnet pack</c>.</summary>
[Collection(PackagesCollection.Name)]
[Trait("Category", "Packages")]
public sealed class TemplateTests(PackagedCma cma)
{
    [Fact]
    public void The_generated_plugin_passes_the_whole_conformance_kit()
    {
        CommandResult test = cma.Succeeded(cma.PluginTest);

        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+[1-9]\d*", test.Output);
    }

    [Fact]
    public void The_plugin_assembly_and_its_provider_are_named_after_the_template_parameters()
    {
        cma.Succeeded(cma.TemplateCreate);
        string project = Path.Combine(cma.PluginFolder, PackagedCma.PluginName, PackagedCma.PluginName + ".csproj");
        string provider = File.ReadAllText(Path.Combine(cma.PluginFolder, PackagedCma.PluginName, "FirstFitProvider.cs"));

        Assert.True(File.Exists(project), project);
        Assert.Contains($"public string Name => \"{PackagedCma.ProviderName}\";", provider, StringComparison.Ordinal);
        Assert.Contains($"Version=\"{cma.Version}\"", File.ReadAllText(project), StringComparison.Ordinal);
    }

    [Fact]
    public void The_generated_plugin_packs_as_a_plugin_package_with_no_compile_reference()
    {
        cma.Succeeded(cma.PluginPack);
        using ZipArchive package = ZipFile.OpenRead(cma.PluginPackage);
        string[] entries = [.. package.Entries.Select(e => e.FullName)];

        Assert.Contains($"plugins/{PackagedCma.PluginName}/{PackagedCma.PluginName}.dll", entries);
        Assert.Contains($"plugins/{PackagedCma.PluginName}/{PackagedCma.PluginName}.deps.json", entries);
        Assert.Contains($"buildTransitive/{PackagedCma.PluginName}.targets", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.EndsWith("Cma.Abstractions.dll", StringComparison.Ordinal));
    }
}
