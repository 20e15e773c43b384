using Cma.Runtime.Mapping;

namespace Cma.Host.Tests.Mapping;

public class DeviceMapTests
{
    [Theory]
    [MemberData(nameof(MapCases.All), MemberType = typeof(MapCases))]
    public void Every_worked_case_of_map_cases_md_finds_its_region_list(string map, string device, string? type, string expected)
    {
        DeviceMap parsed = MapText.Parse([map]);

        IReadOnlyList<string>? regions = parsed.FindRegions(device, type);

        Assert.Equal(expected, regions is null ? "" : string.Join(',', regions));
    }

    [Fact]
    public void A_star_inside_a_device_pattern_is_an_ordinary_character()
    {
        DeviceMap map = MapText.Parse(["a*b=r"]);

        Assert.Equal((0, -1, -1), (map.FindRule("a*b", null), map.FindRule("axb", null), map.FindRule("a*bc", null)));
    }

    [Fact]
    public void The_type_part_is_compared_literally_without_wildcards()
    {
        DeviceMap map = MapText.Parse(["foo/a?=r"]);

        Assert.Equal((0, -1), (map.FindRule("foo", "a?"), map.FindRule("foo", "ab")));
    }

    [Fact]
    public void An_empty_type_is_asked_for_as_common()
    {
        DeviceMap map = MapText.Parse(["foo/common=r"]);

        Assert.Equal((0, 0, -1), (map.FindRule("foo", ""), map.FindRule("foo", null), map.FindRule("foo", "COMMON")));
    }

    [Fact]
    public void A_type_only_pattern_reuses_the_device_match_of_the_previous_rule()
    {
        DeviceMap map = MapText.Parse(["cam/x=r1", "/y=r2", "other/z=r3", "/w=r4"]);

        Assert.Equal((1, -1, 3), (map.FindRule("cam", "y"), map.FindRule("cam", "w"), map.FindRule("other", "w")));
    }

    [Fact]
    public void The_canonical_form_drops_spaces_and_the_trailing_separator_and_joins_rules_with_semicolons()
    {
        DeviceMap map = MapText.Parse([" video/a = a , b ;", "camera, jpeg=c;*=common;"]);

        Assert.Equal("video/a=a,b;camera,jpeg=c;*=common", map.ToString());
        Assert.Equal("camera,jpeg=c", map.Rules[1].ToString());
        Assert.Equal(map.ToString(), MapText.Parse([map.ToString()]).ToString());
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
        IReadOnlyList<string> problems = MapText.Problems(rules.Length == 0 ? [] : [rules]);

        Assert.Contains(problems, p => p.Contains(words, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_bad_rule_is_named_in_one_error()
    {
        IReadOnlyList<string> problems = MapText.Problems(["a", "*=common", "b="]);

        Assert.Contains(problems, p => p.Contains("'a' has no '='", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'b=' names no regions", StringComparison.Ordinal));
    }

    [Fact]
    public void Finding_a_rule_allocates_nothing()
    {
        DeviceMap map = MapText.Parse([MapCases.Map3, MapCases.Map2]);
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
