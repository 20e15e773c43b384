using Cma.Runtime.Configuration;
using Cma.Runtime.Memory;
using static Cma.Host.Tests.Configuration.ConfigAssert;

namespace Cma.Host.Tests.Configuration;

public class BackingConfigurationTests
{
    [Fact]
    public void A_region_without_backing_keys_is_address_space_only()
    {
        CmaOptions options = Valid(Config("""[ { "Name": "a", "Size": "1M" } ]"""));

        Assert.Same(RegionMemoryOptions.AddressOnly, options.Regions[0].Memory);
    }

    [Fact]
    public void Every_backing_key_is_read_into_the_region_options()
    {
        CmaOptions options = Valid(Config("""
            [ { "Name": "gpu", "Size": "8M", "Backing": "native", "ZeroOnAllocate": true, "PoisonOnFree": "0xA5", "GuardBytes": "4K" },
              { "Name": "shm", "Size": "1M", "Backing": "Shared", "BackingPath": "cma-video", "PoisonOnFree": true } ]
            """));

        Assert.Equal(new RegionMemoryOptions(CmaBacking.Native, null, true, 0xA5, 4096), options.Regions[0].Memory);
        Assert.Equal(new RegionMemoryOptions(CmaBacking.Shared, "/dev/shm/cma-video", false, RegionMemoryOptions.DefaultPoisonByte, 0), options.Regions[1].Memory);
    }

    [Fact]
    public void A_relative_file_backing_path_resolves_against_the_configuration_folder()
    {
        using var folder = new TempConfigFolder();
        string path = folder.Write(Config("""[ { "Name": "f", "Size": "1M", "Backing": "File", "BackingPath": "data/cma.bin" } ]"""));

        ConfigLoadResult result = LoadFile(path, "/", "/");

        Assert.Equal(Path.Combine(folder.Path, "data", "cma.bin"), result.Options!.Regions[0].Memory.BackingPath);
    }

    [Fact]
    public void Backed_regions_are_not_placed_and_do_not_move_the_planning_regions_after_them()
    {
        CmaOptions options = Valid(Config("""[ { "Name": "n", "Size": "64M", "Backing": "Native" }, { "Name": "p", "Size": "1M" } ]"""));

        Assert.Equal(["n", "p"], options.Regions.Select(r => r.Name));
        Assert.Equal(0UL, options.Regions[0].Start);
        Assert.Equal(CmaOptions.DefaultPlacementBase, options.Regions[1].Start);
    }

    [Fact]
    public void A_misspelt_backing_is_reported_with_a_suggestion_and_the_choices()
    {
        Problem(Load(Config("""[ { "Name": "a", "Size": "1M", "Backing": "Nativ" } ]""")), "Cma:Regions:0:Backing",
            "'Nativ' is not a backing", "Did you mean 'Native'?", "None", "File", "Shared");
    }

    [Fact]
    public void A_misspelt_backing_key_is_reported_with_a_suggestion()
    {
        Problem(Load(Config("""[ { "Name": "a", "Size": "1M", "Bakcing": "Native" } ]""")), "Cma:Regions:0:Bakcing", "unknown key", "Did you mean 'Backing'?");
    }

    [Fact]
    public void A_file_backing_without_a_path_is_reported_with_an_example()
    {
        Problem(Load(Config("""[ { "Name": "f", "Size": "1M", "Backing": "File" } ]""")), "Cma:Regions:0:BackingPath", "region 'f'", "no BackingPath", "\"BackingPath\":");
    }

    [Fact]
    public void A_shared_backing_path_with_a_folder_in_it_is_reported()
    {
        Problem(Load(Config("""[ { "Name": "s", "Size": "1M", "Backing": "Shared", "BackingPath": "tmp/x" } ]""")), "Cma:Regions:0:BackingPath", "'tmp/x'", "without '/'");
    }

    [Fact]
    public void A_backing_path_on_a_native_region_is_reported_as_unused()
    {
        Problem(Load(Config("""[ { "Name": "n", "Size": "1M", "Backing": "Native", "BackingPath": "x" } ]""")), "Cma:Regions:0:BackingPath", "Backing Native", "File", "Shared");
    }

    [Fact]
    public void Two_regions_over_one_shared_file_are_reported_naming_the_first()
    {
        ConfigLoadResult result = Load(Config("""
            [ { "Name": "a", "Size": "1M", "Backing": "Shared", "BackingPath": "cma-x" },
              { "Name": "b", "Size": "1M", "Backing": "Shared", "BackingPath": "/dev/shm/cma-x" } ]
            """));

        Problem(result, "Cma:Regions:1:BackingPath", "region 'b'", "region 'a' (Cma:Regions:0) already maps", "own BackingPath");
    }

    [Theory]
    [InlineData("\"ZeroOnAllocate\": true", "ZeroOnAllocate")]
    [InlineData("\"PoisonOnFree\": true", "PoisonOnFree")]
    [InlineData("\"GuardBytes\": \"64\"", "GuardBytes")]
    public void A_debug_option_on_an_address_space_only_region_is_reported(string option, string key)
    {
        Problem(Load(Config($$"""[ { "Name": "a", "Size": "1M", {{option}} } ]""")), "Cma:Regions:0:" + key, "region 'a'", "no bytes", "\"Backing\": \"Native\"");
    }

    [Fact]
    public void A_start_on_a_backed_region_is_reported_because_its_addresses_are_the_mapping()
    {
        Problem(Load(Config("""[ { "Name": "n", "Size": "1M", "Start": "1G", "Backing": "Native" } ]""")), "Cma:Regions:0:Start", "Backing Native", "remove Start");
    }

    [Fact]
    public void A_zero_on_allocate_that_is_not_a_json_boolean_is_reported_with_its_type()
    {
        Problem(Load(Config("""[ { "Name": "n", "Size": "1M", "Backing": "Native", "ZeroOnAllocate": 1 } ]""")), "Cma:Regions:0:ZeroOnAllocate", "true or false", "the number 1");
    }

    [Fact]
    public void A_poison_byte_above_255_is_reported()
    {
        Problem(Load(Config("""[ { "Name": "n", "Size": "1M", "Backing": "Native", "PoisonOnFree": "0x1FF" } ]""")), "Cma:Regions:0:PoisonOnFree", "'0x1FF'", "0 to 255");
    }

    [Fact]
    public void Guard_bytes_above_one_gigabyte_are_reported()
    {
        Problem(Load(Config("""[ { "Name": "n", "Size": "4G", "Backing": "Native", "GuardBytes": "2G" } ]""")), "Cma:Regions:0:GuardBytes", "at most 1G");
    }

    [Fact]
    public void Backing_keys_from_environment_variables_are_validated_like_json()
    {
        var environment = new Dictionary<string, string> { ["CMA_Cma__Regions__0__Backing"] = "Shared", ["CMA_Cma__Regions__0__ZeroOnAllocate"] = "yes" };

        ConfigLoadResult result = Load(Config("""[ { "Name": "a", "Size": "1M" } ]"""), environment);

        Problem(result, "Cma:Regions:0:BackingPath", "no BackingPath");
        Problem(result, "Cma:Regions:0:ZeroOnAllocate", "'yes' is not true or false");
    }
}
