using Cma.Runtime.Configuration;
using Cma.Runtime.Plugins;
using Microsoft.Extensions.Configuration;
using static Cma.Host.Tests.Configuration.ConfigAssert;

namespace Cma.Host.Tests.Configuration;

public class ConfigurationLoadingTests
{
    [Fact]
    public void A_minimal_configuration_gets_the_documented_defaults_and_a_catch_all_map()
    {
        CmaOptions options = Valid(Config("""[ { "Name": "a", "Size": "1M" }, { "Name": "b", "Size": "2M" } ]"""));

        Assert.Equal((4096UL, "best-fit", 1UL << 30), (options.Regions[0].Granule, options.Regions[0].Allocator, options.Regions[0].Start));
        Assert.Equal("*=a,b", options.Map.ToString());
    }

    [Fact]
    public void A_configuration_without_Plugins_gives_the_catalog_no_extra_directories_and_no_pins()
    {
        using var folder = new TempConfigFolder();
        string path = folder.Write(Config("""[ { "Name": "a", "Size": "1M" } ]"""));

        PluginSources plugins = CmaConfigurationLoader.Read(path, folder.Path, folder.Path, NoEnvironment).Plugins;

        Assert.Empty(plugins.Directories);
        Assert.Empty(plugins.Pins);
    }

    [Fact]
    public void The_catalog_gets_the_plugin_directories_validation_accepted_trimmed_and_resolved_against_the_files_folder()
    {
        using var folder = new TempConfigFolder();
        string path = folder.Write(Config("""[ { "Name": "a", "Size": "1M" } ]""", """ "Plugins": { "Directories": [ "  extra  ", "" ] } """));

        CmaConfigurationSource source = CmaConfigurationLoader.Read(path, folder.Path, folder.Path, NoEnvironment);

        Assert.Equal([Path.Combine(folder.Path, "extra")], source.Plugins.Directories);
        Problem(CmaConfigurationLoader.Validate(source, Allocators), "Cma:Plugins:Directories:1", "the folder path is empty");
    }

    [Fact]
    public void Regions_without_a_start_follow_the_previous_region_aligned_up_to_their_alignment()
    {
        CmaOptions options = Valid(Config("""
            [ { "Name": "a", "Size": "12K" },
              { "Name": "b", "Size": "1M", "Alignment": "1M" },
              { "Name": "c", "Size": "4K", "Start": "0x10000" },
              { "Name": "d", "Size": 4096 } ]
            """, "\"PlacementBase\": \"0x80000000\""));

        Assert.Equal([0x80000000UL, 0x80100000UL, 0x10000UL, 0x11000UL], options.Regions.Select(r => r.Start));
    }

    [Fact]
    public void The_bundled_appsettings_json_is_valid()
    {
        string repoFile = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        Assert.True(File.Exists(repoFile), repoFile);

        ConfigLoadResult result = LoadFile(repoFile, AppContext.BaseDirectory, AppContext.BaseDirectory);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
    }

    [Fact]
    public void The_design_example_loads_with_settings_plugin_directories_and_pins()
    {
        string hash = new('A', 64);
        using var folder = new TempConfigFolder();
        string path = folder.Write($$"""
            {
              // comments and trailing commas are allowed, as in the JSON provider
              "Cma": {
                "Granule": "4K",
                "DefaultAllocator": "best-fit",
                "Plugins": { "Directories": [ "extra-plugins", "/opt/cma" ], "Sha256": { "Acme.Tlsf.dll": "{{hash}}" } },
                "Regions": [
                  { "Name": "vf", "Size": "1M", "Alignment": "128K", "Allocator": "bitmap", "Settings": { "OrderPerBit": 0, "Fit": "next" } },
                  { "Name": "a", "Size": "20M" },
                  { "Name": "b", "Size": "20M", "Start": "512M", "Allocator": "buddy" },
                ],
                "Map": [ "video/a=a", "video/b=b", "video/f=vf", "*=a,b" ],
              }
            }
            """, "conf/cma.json");

        CmaConfigurationSource source = CmaConfigurationLoader.Read(path, folder.Path, folder.Path, NoEnvironment);
        ConfigLoadResult result = CmaConfigurationLoader.Validate(source, Allocators);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        CmaOptions options = result.Options!;
        Assert.Equal(path, result.SourcePath);
        Assert.Equal([Path.Combine(folder.Path, "conf", "extra-plugins"), "/opt/cma"], source.Plugins.Directories);
        Assert.Equal(new string('a', 64), source.Plugins.Pins["Acme.Tlsf.dll"]);
        Assert.Equal("next", options.Regions[0].Settings["Fit"]);
        Assert.Equal("0", options.Regions[0].Settings["OrderPerBit"]);
        Assert.Equal(["bitmap", "best-fit", "buddy"], options.Regions.Select(r => r.Allocator));
        Assert.Equal(["a", "b"], options.Map.FindRegions("camera", null)!);
    }

    [Fact]
    public void An_environment_variable_overrides_a_region_allocator_the_dotnet_way()
    {
        var environment = new Dictionary<string, string> { ["CMA_Cma__Regions__0__Allocator"] = "buddy", ["PATH"] = "/bin" };

        CmaOptions options = Valid(Config("""[ { "Name": "a", "Size": "1M", "Allocator": "bitmap" } ]"""), environment);

        Assert.Equal("buddy", options.Regions[0].Allocator);
    }

    [Fact]
    public void A_misspelt_key_from_an_environment_variable_is_reported_too()
    {
        var environment = new Dictionary<string, string> { ["CMA_Cma__Regions__0__Alignmnet"] = "64K" };

        ConfigLoadResult result = Load(Config("""[ { "Name": "a", "Size": "1M" } ]"""), environment);

        Problem(result, "Cma:Regions:0:Alignmnet", "Did you mean 'Alignment'?");
    }

    [Fact]
    public void The_working_directory_file_is_preferred_to_the_one_beside_the_executable()
    {
        using var working = new TempConfigFolder();
        using var executable = new TempConfigFolder();
        string chosen = working.Write(Config("""[ { "Name": "working", "Size": "1M" } ]"""));
        executable.Write(Config("""[ { "Name": "executable", "Size": "1M" } ]"""));

        ConfigLoadResult result = LoadFile(null, working.Path, executable.Path);

        Assert.Equal((chosen, "working"), (result.SourcePath, result.Options!.Regions[0].Name));
    }

    [Fact]
    public void The_file_beside_the_executable_is_used_when_the_working_directory_has_none()
    {
        using var working = new TempConfigFolder();
        using var executable = new TempConfigFolder();
        string chosen = executable.Write(Config("""[ { "Name": "executable", "Size": "1M" } ]"""));

        ConfigLoadResult result = LoadFile(null, working.Path, executable.Path);

        Assert.Equal((chosen, "executable"), (result.SourcePath, result.Options!.Regions[0].Name));
    }

    [Fact]
    public void An_explicit_path_wins_over_both_default_locations()
    {
        using var working = new TempConfigFolder();
        working.Write(Config("""[ { "Name": "working", "Size": "1M" } ]"""));
        string chosen = working.Write(Config("""[ { "Name": "explicit", "Size": "1M" } ]"""), "other.json");

        ConfigLoadResult result = LoadFile("other.json", working.Path, working.Path);

        Assert.Equal((chosen, "explicit"), (result.SourcePath, result.Options!.Regions[0].Name));
    }

    [Fact]
    public void Without_any_file_or_variables_the_problem_names_both_places_looked_in()
    {
        using var working = new TempConfigFolder();
        using var executable = new TempConfigFolder();

        ConfigLoadResult result = LoadFile(null, working.Path, executable.Path);

        ConfigProblem problem = Problem(result, "Cma", "no configuration found", working.Path, executable.Path, "--config");
        Assert.Null(result.SourcePath);
        Assert.NotNull(problem);
    }

    [Fact]
    public void A_directory_given_as_the_config_file_is_reported_as_a_directory_not_as_missing()
    {
        using var working = new TempConfigFolder();
        Directory.CreateDirectory(Path.Combine(working.Path, "conf"));

        ConfigLoadResult result = LoadFile("conf", working.Path, working.Path);

        ConfigProblem problem = Problem(result, "Cma", Path.Combine(working.Path, "conf"), "is a directory", Path.Combine(working.Path, "conf", "appsettings.json"));
        Assert.DoesNotContain("not found", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bound_section_validates_and_names_fields_by_its_own_path()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["App:Cma:Regions:0:Name"] = "a",
            ["App:Cma:Regions:0:Size"] = "1M",
            ["App:Cma:Regions:1:Name"] = "b",
            ["App:Cma:Regions:1:Size"] = "1000",
        }).Build();

        ConfigLoadResult result = LoadSection(configuration.GetSection("App:Cma"), "/base");

        Problem(result, "App:Cma:Regions:1:Size", "not a multiple of the granule");
    }

    [Fact]
    public void A_valid_bound_section_gives_options()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cma:Regions:0:Name"] = "a",
            ["Cma:Regions:0:Size"] = "1M",
            ["Cma:Plugins:Directories:0"] = "more",
        }).Build();

        CmaConfigurationSource source = CmaConfigurationLoader.ReadSection(configuration.GetSection("Cma"), "/base");
        ConfigLoadResult result = CmaConfigurationLoader.Validate(source, Allocators);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        Assert.Equal(["/base/more"], source.Plugins.Directories);
    }

    [Fact]
    public void A_bound_section_that_does_not_exist_is_reported()
    {
        IConfiguration configuration = new ConfigurationBuilder().Build();

        ConfigLoadResult result = LoadSection(configuration.GetSection("Cma"), "/base");

        Problem(result, "Cma", "no 'Cma' section");
    }
}
