using Cma.Runtime.Configuration;
using Cma.Runtime.Mapping;
using Cma.Host.Tests.Configuration;

namespace Cma.Host.Tests.Mapping;

public class MapConfigurationFormTests
{
    [Theory]
    [MemberData(nameof(MapCases.All), MemberType = typeof(MapCases))]
    public void Every_worked_case_holds_for_the_map_as_a_json_array(string map, string device, string? type, string expected)
    {
        string rules = string.Join(", ", map.Split(';').Select(r => $"\"{r}\""));

        CmaOptions options = ConfigAssert.Valid(ConfigAssert.Config(RegionsFor(map), $"\"Map\": [ {rules} ]"));

        Assert.Equal(expected, Found(options.Map, device, type));
    }

    [Theory]
    [MemberData(nameof(MapCases.All), MemberType = typeof(MapCases))]
    public void Every_worked_case_holds_for_the_map_pasted_as_cma_map(string map, string device, string? type, string expected)
    {
        CmaOptions options = ConfigAssert.Valid(ConfigAssert.Config(RegionsFor(map), $"\"CommandLine\": \"root=/dev/mmcblk0 cma.map={map}\""));

        Assert.Equal(expected, Found(options.Map, device, type));
    }

    /// <summary>A Regions array with a 1 MiB region for every region <paramref name="map"/> names.</summary>
    private static string RegionsFor(string map)
    {
        var names = new List<string>();
        foreach (MapRule rule in MapText.Parse([map]).Rules)
        {
            foreach (string name in rule.Regions)
            {
                if (!names.Contains(name))
                    names.Add(name);
            }
        }
        return "[ " + string.Join(", ", names.Select(n => $$"""{ "Name": "{{n}}", "Size": "1M" }""")) + " ]";
    }

    /// <summary>The regions found as "a,b", or "" for no rule.</summary>
    private static string Found(DeviceMap map, string device, string? type) =>
        map.FindRegions(device, type) is { } regions ? string.Join(',', regions) : "";
}
