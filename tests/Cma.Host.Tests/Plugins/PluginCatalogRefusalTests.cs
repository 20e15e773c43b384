using Cma.Runtime.Plugins;
using Cma.Host.Tests.Api;
using Cma.Host.Tests.Configuration;

namespace Cma.Host.Tests.Plugins;

/// <summary>
/// The catalog loads only what the operator chose and refuses, by file and with the reason, every plugin it cannot
/// trust; a refused plugin never stops the others (the faulty test plugin, loaded beside each one, still loads).
/// Unix only: the writable-by-others checks read Unix file modes.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class PluginCatalogRefusalTests
{
    [Fact]
    public void A_text_file_named_like_a_plugin_is_refused_and_the_others_load()
    {
        using var dir = new TempConfigFolder();
        string fake = dir.Write("this is not an assembly", "Acme.Fake/Acme.Fake.dll");

        using PluginCatalog catalog = Load(dir.Path);

        Assert.Contains("not a .NET assembly", Reason(catalog, fake));
        Assert.NotNull(catalog.Find("faulty"));
    }

    [Fact]
    public void An_assembly_without_a_provider_is_refused()
    {
        using var dir = new TempConfigFolder();
        string dll = TestAssemblies.WriteContractReference(dir.Path, "Acme.Empty" + Unique(), new Version(1, 0, 0, 0));

        using PluginCatalog catalog = Load(dir.Path);

        Assert.Contains("contains no provider", Reason(catalog, dll));
        Assert.NotNull(catalog.Find("faulty"));
    }

    [Fact]
    public void A_plugin_built_against_another_contract_major_version_is_refused_without_being_loaded()
    {
        using var dir = new TempConfigFolder();
        string name = "Acme.Future" + Unique();
        string dll = TestAssemblies.WriteContractReference(dir.Path, name, new Version(2, 0, 0, 0));

        using PluginCatalog catalog = Load(dir.Path);

        Assert.Contains("built against Cma.Abstractions 2.0, but this host implements contract version 1.x; rebuild the plugin against Cma.Abstractions 1.1.", Reason(catalog, dll));
        Assert.DoesNotContain(System.Runtime.Loader.AssemblyLoadContext.All.SelectMany(c => c.Assemblies), a => a.GetName().Name == name);
        Assert.NotNull(catalog.Find("faulty"));
    }

    [Fact]
    public void A_plugin_built_against_contract_1_0_passes_the_version_check_of_this_1_1_host()
    {
        using var dir = new TempConfigFolder();
        string dll = TestAssemblies.WriteContractReference(dir.Path, "Acme.Old" + Unique(), new Version(1, 0, 0, 0));

        using PluginCatalog catalog = Load(dir.Path);

        // Contract 1.1 only added an optional interface (ICmaExactPlacement): 1.0 plugins keep loading. This one is
        // refused only because it holds no provider, after the version check let it through.
        Assert.Equal(new Version(1, 1, 0, 0), typeof(ICmaAllocatorProvider).Assembly.GetName().Version);
        Assert.DoesNotContain("built against", Reason(catalog, dll), StringComparison.Ordinal);
        Assert.Contains("contains no provider", Reason(catalog, dll), StringComparison.Ordinal);
    }

    [Fact]
    public void A_provider_whose_constructor_throws_is_refused_with_the_exception()
    {
        using var dir = new TempConfigFolder();
        string dll = TestAssemblies.WriteThrowingConstructorProvider(dir.Path, "Acme.Throwing" + Unique());

        using PluginCatalog catalog = Load(dir.Path);

        Assert.Contains("provider Acme.ThrowingProvider could not be created: InvalidOperationException: the provider cannot start on purpose", Reason(catalog, dll));
        Assert.NotNull(catalog.Find("faulty"));
    }

    [Fact]
    public void A_sha256_pin_that_does_not_match_refuses_the_plugin_showing_both_hashes()
    {
        string pinned = new('0', 64);
        string actual = PluginCatalog.Sha256Of(TestHost.FaultyPluginPath);

        using PluginCatalog catalog = PluginCatalog.Load([], [TestHost.FaultyPluginPath], Pins("Cma.TestPlugins.Faulty.dll", pinned));

        Assert.Null(catalog.Find("faulty"));
        string reason = Reason(catalog, TestHost.FaultyPluginPath);
        Assert.Contains(pinned, reason);
        Assert.Contains(actual, reason);
    }

    [Fact]
    public void A_sha256_pin_that_matches_loads_the_plugin()
    {
        string actual = PluginCatalog.Sha256Of(TestHost.FaultyPluginPath).ToUpperInvariant();

        using PluginCatalog catalog = PluginCatalog.Load([], [TestHost.FaultyPluginPath], Pins("cma.testplugins.faulty.dll", actual));

        Assert.Empty(catalog.Failures);
        Assert.Equal(actual.ToLowerInvariant(), catalog.Find("faulty")!.Sha256);
    }

    [Fact]
    public void A_pinned_plugin_that_is_missing_is_reported_with_its_pinned_hash()
    {
        string pinned = new('a', 64);

        using PluginCatalog catalog = PluginCatalog.Load([], [TestHost.FaultyPluginPath], Pins("Acme.Tlsf.dll", pinned));

        string reason = Reason(catalog, "Acme.Tlsf.dll");
        Assert.Contains("pinned in Plugins:Sha256", reason);
        Assert.Contains(pinned, reason);
        Assert.NotNull(catalog.Find("faulty"));
    }

    [Fact]
    public void A_plugin_directory_or_dll_writable_by_other_users_is_warned_about()
    {
        using var dir = new TempConfigFolder();
        string dll = TestAssemblies.CopyFaultyPlugin(dir.Path);
        File.SetUnixFileMode(dir.Path, File.GetUnixFileMode(dir.Path) | UnixFileMode.OtherWrite);
        File.SetUnixFileMode(dll, File.GetUnixFileMode(dll) | UnixFileMode.OtherWrite);

        using PluginCatalog catalog = PluginCatalog.Load([dir.Path]);

        Assert.Contains(catalog.Warnings, w => w.StartsWith(dir.Path + " is writable by other users", StringComparison.Ordinal));
        Assert.Contains(catalog.Warnings, w => w.StartsWith(dll + " is writable by other users", StringComparison.Ordinal));
        Assert.NotNull(catalog.Find("faulty"));
    }

    [Fact]
    public void A_plugin_folder_or_deps_json_writable_by_other_users_is_warned_about_like_the_top_folder()
    {
        using var dir = new TempConfigFolder();
        string dll = TestAssemblies.CopyFaultyPlugin(dir.Path);
        string pluginFolder = Path.GetDirectoryName(dll)!;
        string depsJson = Path.ChangeExtension(dll, ".deps.json");
        File.SetUnixFileMode(pluginFolder, File.GetUnixFileMode(pluginFolder) | UnixFileMode.OtherWrite);
        File.SetUnixFileMode(depsJson, File.GetUnixFileMode(depsJson) | UnixFileMode.OtherWrite);

        using PluginCatalog catalog = PluginCatalog.Load([dir.Path]);

        Assert.Contains(catalog.Warnings, w => w.StartsWith(pluginFolder + " is writable by other users", StringComparison.Ordinal));
        Assert.Contains(catalog.Warnings, w => w.StartsWith(depsJson + " is writable by other users", StringComparison.Ordinal));
        Assert.DoesNotContain(catalog.Warnings, w => w.StartsWith(dir.Path + " ", StringComparison.Ordinal));
        Assert.NotNull(catalog.Find("faulty"));
    }

    [Fact]
    public void A_plugin_directory_writable_only_by_its_owner_gives_no_warning()
    {
        using var dir = new TempConfigFolder();
        TestAssemblies.CopyFaultyPlugin(dir.Path);
        File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        using PluginCatalog catalog = PluginCatalog.Load([dir.Path]);

        Assert.DoesNotContain(catalog.Warnings, w => w.StartsWith(dir.Path + " ", StringComparison.Ordinal));
    }

    private static PluginCatalog Load(string dir) => PluginCatalog.Load([dir], [TestHost.FaultyPluginPath]);

    private static Dictionary<string, string> Pins(string file, string hash) => new(StringComparer.OrdinalIgnoreCase) { [file] = hash };

    private static string Reason(PluginCatalog catalog, string file)
    {
        PluginLoadFailure? failure = catalog.Failures.FirstOrDefault(f => f.FilePath == file);
        Assert.True(failure is not null, $"no failure for {file}; failures: {string.Join("; ", catalog.Failures)}");
        return failure.Reason;
    }

    private static string Unique() => Guid.NewGuid().ToString("N")[..8];
}
