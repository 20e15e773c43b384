using Cma.Runtime.Configuration;
using Cma.Runtime.Mapping;

namespace Cma.Host.Tests.Mapping;

/// <summary>Maps written as rule text, read the way the configuration reads them: through the production map reader
/// (<see cref="MapSectionReader.ReadText"/>, as for <c>"Map": "..."</c> and <c>cma.map=</c>), one call per string.</summary>
internal static class MapText
{
    /// <summary>The map the rules make; fails the test when any rule is refused.</summary>
    public static DeviceMap Parse(IEnumerable<string> rules)
    {
        (DeviceMap? map, IReadOnlyList<string> problems) = Read(rules);
        Assert.True(map is not null, string.Join(Environment.NewLine, problems));
        return map;
    }

    /// <summary>Every problem the configuration reports for the rules, in order; empty when they make a map.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<string> rules) => Read(rules).Problems;

    private static (DeviceMap? Map, IReadOnlyList<string> Problems) Read(IEnumerable<string> rules)
    {
        var problems = new ConfigProblems();
        var reader = new MapSectionReader(new ConfigFieldReader(problems));
        bool any = false;
        foreach (string text in rules)
        {
            reader.ReadText(text, "Cma:Map");
            any = true;
        }
        if (!any)
            reader.ReadText("", "Cma:Map");
        string[] messages = [.. problems.Items.Select(p => p.Message)];
        return (messages.Length == 0 ? new DeviceMap(reader.Rules) : null, messages);
    }
}
