using Cma.Runtime.Mapping;

namespace Cma.Host.Tests.Mapping;

public class DeviceMapTests
{
    [Theory]
    [MemberData(nameof(MapCases.All), MemberType = typeof(MapCases))]
    public void Every_worked_case_of_map_cases_md_finds_its_region_list(string map, string device, string? type, string expected)
    {
        DeviceMap parsed = DeviceMap.Parse([map]);

        IReadOnlyList<string>? regions = parsed.FindRegions(device, type);

        Assert.Equal(expected, regions is null ? "" : string.Join(',', regions));
    }

    [Fact]
    public void A_star_inside_a_device_pattern_is_an_ordinary_character()
    {
        DeviceMap map = DeviceMap.Parse(["a*b=r"]);

        Assert.Equal((0, -1, -1), (map.FindRule("a*b", null), map.FindRule("axb", null), map.FindRule("a*bc", null)));
    }

    [Fact]
    public void The_type_part_is_compared_literally_without_wildcards()
    {
        DeviceMap map = DeviceMap.Parse(["foo/a?=r"]);

        Assert.Equal((0, -1), (map.FindRule("foo", "a?"), map.FindRule("foo", "ab")));
    }

    [Fact]
    public void An_empty_type_is_asked_for_as_common()
    {
        DeviceMap map = DeviceMap.Parse(["foo/common=r"]);

        Assert.Equal((0, 0, -1), (map.FindRule("foo", ""), map.FindRule("foo", null), map.FindRule("foo", "COMMON")));
    }

    [Fact]
    public void A_type_only_pattern_reuses_the_device_match_of_the_previous_rule()
    {
        DeviceMap map = DeviceMap.Parse(["cam/x=r1", "/y=r2", "other/z=r3", "/w=r4"]);

        Assert.Equal((1, -1, 3), (map.FindRule("cam", "y"), map.FindRule("cam", "w"), map.FindRule("other", "w")));
    }

    [Fact]
    public void The_canonical_form_drops_spaces_and_the_trailing_separator_and_joins_rules_with_semicolons()
    {
        DeviceMap map = DeviceMap.Parse([" video/a = a , b ;", "camera, jpeg=c;*=common;"]);

        Assert.Equal("video/a=a,b;camera,jpeg=c;*=common", map.ToString());
        Assert.Equal("camera,jpeg=c", map.Rules[1].ToString());
        Assert.Equal(map.ToString(), DeviceMap.Parse([map.ToString()]).ToString());
    }

    [Theory]
    [InlineData("video", "has no '='")]
    [InlineData("video=a=b", "more than one '='")]
    [InlineData("video,=a", "empty pattern")]
    [InlineData("video/=a", "empty type")]
    [InlineData("video/a/b=a", "more than one '/'")]
    [InlineData("video=", "names no regions")]
    [InlineData("video=a,,b", "empty region name")]
    [InlineData("video=a,a", "lists region 'a' twice")]
    [InlineData("video=a b", "not a valid region name")]
    [InlineData("/a=a", "no device")]
    [InlineData("a=a;;b=b", "empty")]
    [InlineData("", "no rules")]
    public void A_malformed_map_is_refused_with_a_message_saying_what_is_wrong(string rules, string words)
    {
        bool parsed = DeviceMap.TryParse(rules.Length == 0 ? [] : [rules], out DeviceMap? map, out string? error);

        Assert.False(parsed);
        Assert.Null(map);
        Assert.Contains(words, error, StringComparison.Ordinal);
        FormatException thrown = Assert.Throws<FormatException>(() => DeviceMap.Parse(rules.Length == 0 ? [] : [rules]));
        Assert.Equal(error, thrown.Message);
    }

    [Fact]
    public void Every_bad_rule_is_named_in_one_error()
    {
        Assert.False(DeviceMap.TryParse(["a", "*=common", "b="], out _, out string? error));

        Assert.Contains("'a' has no '='", error, StringComparison.Ordinal);
        Assert.Contains("'b=' names no regions", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Finding_a_rule_allocates_nothing()
    {
        DeviceMap map = DeviceMap.Parse([MapCases.Map3, MapCases.Map2]);
        map.FindRule("s5p-fimc", "t");

        long before = GC.GetAllocatedBytesForCurrentThread();
        int found = 0;
        for (int i = 0; i < 1000; i++)
            found += map.FindRule("s5p-fimc", "t") + map.FindRule("nothing", null);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(1000 * (4 - 1), found);
    }
}
