using Cma.Host.Tests.Cli;
using Cma.Host.Tests.Configuration;
using Cma.Runtime.Plugins;

namespace Cma.Host.Tests.Plugins;

/// <summary>
/// When two plugins provide one name, the one found first wins: the host's own <c>plugins/</c>, then each
/// <c>Plugins:Directories</c> folder in order, then each <c>--plugin</c> path in order. The later one is refused with a
/// message naming both files. Two in the same source have no order between them: both are refused.
/// </summary>
public class PluginPrecedenceTests
{
    /// <summary>The first-party best-fit DLL beside this test assembly.</summary>
    private static string FirstPartyBestFit =>
        Path.Combine(PluginCatalog.FirstPartyDirectory, "Cma.Plugins.BestFit", "Cma.Plugins.BestFit.dll");

    [Fact]
    public void A_drop_in_copy_of_a_first_party_plugin_is_refused_naming_both_files_and_the_first_party_one_loads()
    {
        using var dropIn = new TempConfigFolder();
        string copy = TestAssemblies.CopyPlugin(FirstPartyBestFit, dropIn.Path);

        using PluginCatalog catalog = PluginCatalog.Load([PluginCatalog.FirstPartyDirectory, dropIn.Path]);

        Assert.Equal(FirstPartyBestFit, catalog.Find("best-fit")!.FilePath);
        string reason = Assert.Single(catalog.Failures, f => f.FilePath == copy).Reason;
        Assert.Contains($"provider name 'best-fit' is already provided by {FirstPartyBestFit}", reason, StringComparison.Ordinal);
        Assert.Contains("this copy is refused", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_configuration_still_starts_when_a_plugin_path_repeats_a_first_party_name()
    {
        using var dropIn = new TempConfigFolder();
        TestAssemblies.CopyPlugin(FirstPartyBestFit, dropIn.Path);

        (int exit, _, string error) = CliRun.Run("info", "--config", CliRun.DefaultConfig, "--plugin", dropIn.Path);

        Assert.True(exit == 0, error);
    }

    [Fact]
    public void Of_two_configured_directories_providing_one_name_the_first_wins()
    {
        using var one = new TempConfigFolder();
        using var two = new TempConfigFolder();
        string first = TestAssemblies.CopyFaultyPlugin(one.Path);
        string second = TestAssemblies.CopyFaultyPlugin(two.Path);

        using PluginCatalog catalog = PluginCatalog.Load([one.Path, two.Path]);

        Assert.Equal(first, catalog.Find("faulty")!.FilePath);
        Assert.Contains($"provider name 'faulty' is already provided by {first}", Assert.Single(catalog.Failures, f => f.FilePath == second).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_plugins_in_one_directory_providing_one_name_are_both_refused_naming_both()
    {
        using var dir = new TempConfigFolder();
        string first = TestAssemblies.WriteNamedProvider(dir.Path, "Acme.One", "acme");
        string second = TestAssemblies.WriteNamedProvider(dir.Path, "Acme.Two", "acme");

        using PluginCatalog catalog = PluginCatalog.Load([dir.Path]);

        Assert.Null(catalog.Find("acme"));
        foreach (string file in (string[])[first, second])
        {
            string reason = Assert.Single(catalog.Failures, f => f.FilePath == file).Reason;
            Assert.Contains("provider name 'acme' is provided by more than one plugin", reason, StringComparison.Ordinal);
            Assert.Contains(first, reason, StringComparison.Ordinal);
            Assert.Contains(second, reason, StringComparison.Ordinal);
        }
    }
}
