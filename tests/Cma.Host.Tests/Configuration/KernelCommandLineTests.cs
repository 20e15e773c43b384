using Cma.Runtime.Configuration;
using static Cma.Host.Tests.Configuration.ConfigAssert;

namespace Cma.Host.Tests.Configuration;

public class KernelCommandLineTests
{
    [Fact]
    public void The_rfc_video_decoder_command_line_gives_the_same_model_as_the_equivalent_json()
    {
        CmaOptions pasted = Valid("""
            { "Cma": { "CommandLine": "console=ttyS0 cma=vf=1M/128K;a=20M;b=20M@512M; cma.map=video/a=a;video/b=b;video/f=vf quiet" } }
            """);
        CmaOptions json = Valid("""
            { "Cma": {
                "Regions": [ { "Name": "vf", "Size": "1M", "Alignment": "128K" },
                             { "Name": "a", "Size": "20M" },
                             { "Name": "b", "Size": "20M", "Start": "512M" } ],
                "Map": [ "video/a=a", "video/b=b", "video/f=vf" ] } }
            """);

        AssertSameModel(json, pasted);
        Assert.Equal(0x20000000UL, pasted.Regions[2].Start);
        Assert.Equal(["vf"], pasted.Map.FindRegions("video", "f"));
    }

    [Fact]
    public void The_rfc_source_example_with_bf_allocators_gives_the_same_model_as_the_equivalent_json()
    {
        CmaOptions pasted = Valid("""{ "Cma": { "CommandLine": "cma=reg1=64M:bf;reg2=32M@0x100000:bf;reg3=64M/1M:bf" } }""");
        CmaOptions json = Valid("""
            { "Cma": { "Regions": [
                { "Name": "reg1", "Size": "64M", "Allocator": "best-fit" },
                { "Name": "reg2", "Size": "32M", "Start": "0x100000", "Allocator": "best-fit" },
                { "Name": "reg3", "Size": "64M", "Alignment": "1M", "Allocator": "best-fit" } ] } }
            """);

        AssertSameModel(json, pasted);
        Assert.Equal([0x40000000UL, 0x100000UL, 0x2100000UL], [pasted.Regions[0].Start, pasted.Regions[1].Start, pasted.Regions[2].Start]);
        Assert.Equal("*=reg1,reg2,reg3", pasted.Map.ToString());
    }

    [Fact]
    public void Command_line_sizes_round_up_to_the_granule_and_starts_up_to_the_alignment()
    {
        CmaOptions options = Valid("""{ "Cma": { "CommandLine": "cma=a=5000@0x80001000/64K;b=1M/0:;c=1M/1K:bitmap" } }""");

        RegionOptions a = options.Regions[0];
        Assert.Equal((8192UL, 0x80010000UL, 0x10000UL), (a.Size, a.Start, a.Alignment));
        Assert.Equal((4096UL, "best-fit"), (options.Regions[1].Alignment, options.Regions[1].Allocator));
        Assert.Equal((4096UL, "bitmap"), (options.Regions[2].Alignment, options.Regions[2].Allocator));
        Assert.Equal("Cma:CommandLine (cma=)", a.Field);
    }

    [Fact]
    public void Cma_replaces_the_json_regions_and_keeps_the_json_map()
    {
        CmaOptions options = Valid("""
            { "Cma": { "Regions": [ { "Name": "old", "Size": "1M" } ], "Map": [ "*=c" ], "CommandLine": "cma=c=16M:bf" } }
            """);

        Assert.Equal("c", Assert.Single(options.Regions).Name);
        Assert.Equal("*=c", options.Map.ToString());
    }

    [Theory]
    [InlineData("cma.map=camera=a")]
    [InlineData("cma_map=camera=a")]
    public void A_command_line_map_replaces_the_json_map_and_keeps_the_json_regions(string token)
    {
        CmaOptions options = Valid(Config("""[ { "Name": "a", "Size": "1M" } ]""", $""" "Map": [ "*=a" ], "CommandLine": "{token}" """));

        Assert.Equal("a", Assert.Single(options.Regions).Name);
        Assert.Equal("camera=a", options.Map.ToString());
        Assert.Equal(-1, options.Map.FindRule("video", null));
    }

    [Theory]
    [InlineData("cma=a=0", "size 0")]
    [InlineData("cma=a=1M/96K", "not a power of two")]
    [InlineData("cma=a", "no region name and '='")]
    [InlineData("cma=a=12Q", "size '12Q', which is not a number")]
    [InlineData("cma=a=1M/64K@2G", "'/alignment' before '@start'")]
    [InlineData("cma=a=1M;a=2M", "region 'a' twice")]
    [InlineData("cma=a=1M:tlsf", "'tlsf' is not loaded")]
    [InlineData("cma=a=1M cma=b=1M", "more than once")]
    public void A_bad_cma_entry_is_reported_under_the_command_line_field(string commandLine, string words)
    {
        ConfigLoadResult result = Load($$"""{ "Cma": { "CommandLine": "{{commandLine}}" } }""");

        Assert.Null(result.Options);
        Assert.Contains(result.Problems, p => p.Field.StartsWith("Cma:CommandLine", StringComparison.Ordinal) && p.Message.Contains(words, StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_command_line_map_is_reported_under_its_own_field()
    {
        ConfigLoadResult result = Load("""{ "Cma": { "CommandLine": "cma=a=1M cma.map=video/a=a;/b" } }""");

        Problem(result, "Cma:CommandLine (cma.map=)", "'/b' has no '='");
    }

    /// <summary>Asserts that two options describe the same regions and map.</summary>
    private static void AssertSameModel(CmaOptions expected, CmaOptions actual)
    {
        Assert.Equal(expected.Regions.Count, actual.Regions.Count);
        for (int i = 0; i < expected.Regions.Count; i++)
        {
            RegionOptions e = expected.Regions[i];
            RegionOptions a = actual.Regions[i];
            Assert.Equal((e.Name, e.Start, e.Size, e.Alignment, e.Granule, e.Allocator), (a.Name, a.Start, a.Size, a.Alignment, a.Granule, a.Allocator));
        }
        Assert.Equal(expected.Map.ToString(), actual.Map.ToString());
    }
}
