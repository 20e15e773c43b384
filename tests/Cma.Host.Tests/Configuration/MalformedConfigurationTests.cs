using Cma.Runtime.Configuration;
using static Cma.Host.Tests.Configuration.ConfigAssert;

namespace Cma.Host.Tests.Configuration;

public class MalformedConfigurationTests
{
    [Fact]
    public void Two_regions_given_overlapping_starts_are_reported_naming_both()
    {
        ConfigLoadResult result = Load(Config("""[ { "Name": "a", "Start": "1G", "Size": "16M" }, { "Name": "b", "Start": "0x40800000", "Size": "16M" } ]"""));

        Problem(result, "Cma:Regions:1", "region 'b' [0x40800000, 0x41800000)", "overlaps region 'a' [0x40000000, 0x41000000)", "Start");
    }

    [Fact]
    public void A_region_placed_after_its_predecessor_onto_a_later_region_is_reported_as_an_overlap_from_placement()
    {
        ConfigLoadResult result = Load(Config("""
            [ { "Name": "a", "Start": "2G", "Size": "16M" },
              { "Name": "b", "Size": "16M" },
              { "Name": "c", "Start": "0x81800000", "Size": "16M" } ]
            """));

        ConfigProblem problem = Problem(result, "Cma:Regions:2", "region 'c'", "region 'b' [0x81000000, 0x82000000)", "placed", "no Start");
        Assert.Single(result.Problems);
        Assert.Contains("overlaps", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_region_name_used_twice_is_reported_at_the_second_with_the_first_field()
    {
        ConfigLoadResult result = Load(Config("""[ { "Name": "a", "Size": "1M" }, { "Name": "a", "Size": "1M" } ]"""));

        Problem(result, "Cma:Regions:1:Name", "'a'", "already used by Cma:Regions:0", "unique");
    }

    [Fact]
    public void A_zero_size_is_reported()
    {
        Problem(Load(Config("""[ { "Name": "a", "Size": 0 } ]""")), "Cma:Regions:0:Size", "region 'a'", "Size 0", "positive");
    }

    [Fact]
    public void A_size_that_is_not_a_multiple_of_the_granule_is_an_error_in_json_with_the_nearest_sizes_suggested()
    {
        Problem(Load(Config("""[ { "Name": "a", "Size": 6000 } ]""")), "Cma:Regions:0:Size", "6000", "not a multiple of the granule", "4K", "8K");
    }

    [Fact]
    public void A_size_that_does_not_parse_is_reported_with_its_text_and_the_accepted_forms()
    {
        Problem(Load(Config("""[ { "Name": "a", "Size": "12Q" } ]""")), "Cma:Regions:0:Size", "'12Q' is not a size", "64M", "0x1000");
    }

    [Fact]
    public void A_misspelt_region_key_is_reported_with_a_suggestion_and_not_defaulted()
    {
        ConfigLoadResult result = Load(Config("""[ { "Name": "vf", "Size": "1M", "Alignmnet": "128K" } ]"""));

        Problem(result, "Cma:Regions:0:Alignmnet", "unknown key 'Alignmnet'", "region 'vf'", "Did you mean 'Alignment'?");
    }

    [Fact]
    public void A_misspelt_top_level_key_is_reported_with_a_suggestion()
    {
        ConfigLoadResult result = Load("""{ "Cma": { "Regions": [ { "Name": "a", "Size": "1M" } ], "Mapp": [ "*=a" ] } }""");

        Problem(result, "Cma:Mapp", "unknown key 'Mapp'", "Did you mean 'Map'?");
    }

    [Fact]
    public void Invalid_json_is_reported_with_a_one_based_line_and_column()
    {
        string json = "{\n  \"Cma\": {\n    \"Granule\": \"4K\"\n    \"Regions\": []\n  }\n}\n";
        using var folder = new TempConfigFolder();
        string path = folder.Write(json);

        ConfigLoadResult result = LoadFile(path, folder.Path, folder.Path);

        Problem(result, path, "not valid JSON at line 4, column 5", "Fix the syntax");
        Assert.Single(result.Problems);
    }

    [Fact]
    public void A_region_running_past_the_end_of_the_address_space_is_reported()
    {
        ConfigLoadResult result = Load(Config("""[ { "Name": "top", "Start": "0xFFFFFFFFFFF00000", "Size": "2M" } ]"""));

        Problem(result, "Cma:Regions:0:Start", "region 'top'", "0xFFFFFFFFFFF00000", "past the end of the 64-bit address space");
    }

    [Fact]
    public void An_alignment_that_is_not_a_power_of_two_is_reported_with_a_power_of_two_suggested()
    {
        Problem(Load(Config("""[ { "Name": "a", "Size": "1M", "Alignment": "96K" } ]""")), "Cma:Regions:0:Alignment", "96K", "power of two", "128K");
    }

    [Fact]
    public void An_unknown_allocator_is_reported_listing_the_loaded_ones()
    {
        ConfigLoadResult result = Load(Config("""[ { "Name": "a", "Size": "1M", "Allocator": "bestfit" } ]"""));

        Problem(result, "Cma:Regions:0:Allocator", "'bestfit' is not loaded", "Did you mean 'best-fit'?", "best-fit, bitmap, buddy");
    }

    [Fact]
    public void An_unknown_default_allocator_is_reported_once_at_its_field()
    {
        ConfigLoadResult result = Load(Config("""[ { "Name": "a", "Size": "1M" }, { "Name": "b", "Size": "1M" } ]""", "\"DefaultAllocator\": \"tlsf\""));

        Problem(result, "Cma:DefaultAllocator", "'tlsf' is not loaded", "best-fit, bitmap, buddy");
        Assert.Single(result.Problems);
    }

    [Fact]
    public void A_map_rule_naming_a_region_that_does_not_exist_is_reported_with_the_configured_regions()
    {
        ConfigLoadResult result = Load(Config("""[ { "Name": "common", "Size": "1M" } ]""", """ "Map": [ "*=common", "video=comon" ] """));

        Problem(result, "Cma:Map:1", "region 'comon'", "not configured", "Did you mean 'common'?", "Configured regions: common");
    }

    [Fact]
    public void A_map_rule_without_an_equals_sign_is_a_syntax_error()
    {
        ConfigLoadResult result = Load(Config("""[ { "Name": "a", "Size": "1M" } ]""", """ "Map": [ "video/a" ] """));

        Problem(result, "Cma:Map:0", "'video/a' has no '='", "patterns=regions");
    }

    [Fact]
    public void A_map_rule_with_no_regions_is_reported()
    {
        ConfigLoadResult result = Load(Config("""[ { "Name": "a", "Size": "1M" } ]""", """ "Map": "*=a;video=" """));

        Problem(result, "Cma:Map", "'video=' names no regions", "video=common");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"\"")]
    public void An_empty_map_is_reported_with_how_to_fix_it(string map)
    {
        ConfigLoadResult result = Load(Config("""[ { "Name": "a", "Size": "1M" } ]""", $"\"Map\": {map}"));

        Problem(result, "Cma:Map", "add a rule such as '*=common' or remove Map");
    }

    [Fact]
    public void Values_of_the_wrong_json_type_are_reported_each_at_its_field()
    {
        ConfigLoadResult result = Load("""
            { "Cma": { "Regions": [ { "Name": 5, "Size": true, "Settings": "fast" }, "b" ],
                       "Map": [ 1 ], "Plugins": { "Directories": "extra" } } }
            """);

        Problem(result, "Cma:Regions:0:Name", "expected a string", "the number 5");
        Problem(result, "Cma:Regions:0:Size", "expected a size", "true");
        Problem(result, "Cma:Regions:0:Settings", "expected an object", "the string \"fast\"");
        Problem(result, "Cma:Regions:1", "expected a region object", "the string \"b\"");
        Problem(result, "Cma:Map:0", "expected a rule string", "the number 1");
        Problem(result, "Cma:Plugins:Directories", "expected an array", "the string \"extra\"");
    }

    [Fact]
    public void Regions_written_as_an_object_are_reported_as_needing_an_array()
    {
        ConfigLoadResult result = Load("""{ "Cma": { "Regions": { "a": { "Size": "1M" } } } }""");

        Problem(result, "Cma:Regions", "expected an array of region objects", "order matters", "found an object");
        Assert.Single(result.Problems);
    }

    [Fact]
    public void A_negative_number_is_reported_as_negative()
    {
        Problem(Load(Config("""[ { "Name": "a", "Size": -4096 } ]""")), "Cma:Regions:0:Size", "-4096 is negative");
    }

    [Fact]
    public void A_key_written_twice_is_reported()
    {
        ConfigLoadResult result = Load("""{ "Cma": { "Granule": "4K", "granule": "8K", "Regions": [ { "Name": "a", "Size": "1M" } ] } }""");

        Problem(result, "Cma:granule", "appears twice");
    }

    [Fact]
    public void A_file_without_a_cma_section_is_reported()
    {
        Problem(Load("""{ "Logging": { } }"""), "Cma", "no 'Cma' section", "Regions");
    }

    [Fact]
    public void A_missing_explicit_config_file_is_reported_as_not_found()
    {
        using var folder = new TempConfigFolder();

        ConfigLoadResult result = LoadFile("nope.json", folder.Path, folder.Path);

        Assert.Null(result.Options);
        Assert.StartsWith($"Cma: config file '{Path.Combine(folder.Path, "nope.json")}' not found", Assert.Single(result.Problems).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_region_without_name_or_size_is_reported_for_both()
    {
        ConfigLoadResult result = Load(Config("""[ { "Start": "2G" } ]"""));

        Problem(result, "Cma:Regions:0:Name", "no Name");
        Problem(result, "Cma:Regions:0:Size", "no Size");
    }

    [Fact]
    public void A_bad_sha256_pin_is_reported()
    {
        ConfigLoadResult result = Load(Config("""[ { "Name": "a", "Size": "1M" } ]""", """ "Plugins": { "Sha256": { "Acme.Tlsf.dll": "abc" } } """));

        Problem(result, "Cma:Plugins:Sha256:Acme.Tlsf.dll", "'abc' is not a SHA-256 hash", "64 hex digits");
    }

    [Fact]
    public void Three_different_mistakes_in_one_file_are_all_reported_at_once()
    {
        ConfigLoadResult result = Load("""
            {
              "Cma": {
                "Granule": "3K",
                "Regions": [
                  { "Name": "a", "Size": "1M", "Allocator": "buddyy" },
                  { "Name": "b", "Size": "1M", "Strat": "2G" }
                ],
                "Map": [ "*=a,c" ]
              }
            }
            """);

        Problem(result, "Cma:Granule", "3K", "power of two");
        Problem(result, "Cma:Regions:0:Allocator", "'buddyy'", "Did you mean 'buddy'?");
        Problem(result, "Cma:Regions:1:Strat", "unknown key 'Strat'", "Did you mean 'Start'?");
        Problem(result, "Cma:Map:0", "region 'c'", "not configured");
        Assert.Equal(4, result.Problems.Count);
    }
}
