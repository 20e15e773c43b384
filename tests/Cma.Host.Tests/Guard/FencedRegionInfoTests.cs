using System.Text.Json;
using Cma.Host.Cli;
using Cma.Host.Tests.Configuration;

namespace Cma.Host.Tests.Guard;

/// <summary>An operator sees why a region is fenced in <c>cma info</c>, in the table and in JSON.</summary>
public class FencedRegionInfoTests
{
    [Fact]
    public void Cma_info_shows_a_fenced_region_with_the_reason_in_the_table()
    {
        (int exit, string output, string error) = RunInfo();

        Assert.True(exit == 0, error);
        Assert.Contains("fenced: faulty: Create threw InvalidOperationException", output);
        Assert.Contains("fails on purpose", output);
        Assert.Contains("active", output);
    }

    [Fact]
    public void Cma_info_json_gives_each_region_its_state_and_fence_reason()
    {
        (int exit, string output, string error) = RunInfo("--json");

        Assert.True(exit == 0, error);
        JsonElement[] regions = [.. JsonDocument.Parse(output).RootElement.GetProperty("regions").EnumerateArray()];
        Assert.Equal(["fenced", "active"], regions.Select(r => r.GetProperty("state").GetString()));
        Assert.Equal("faulty: Create threw InvalidOperationException: faulty: Create of region 'f' fails on purpose.", regions[0].GetProperty("fenceReason").GetString());
        Assert.Equal(1, regions[0].GetProperty("faults").GetInt32());
    }

    private static (int Exit, string Output, string Error) RunInfo(params string[] extra)
    {
        using var folder = new TempConfigFolder();
        string testPlugins = Path.Combine(AppContext.BaseDirectory, "test-plugins").Replace("\\", "/", StringComparison.Ordinal);
        string config = folder.Write($$"""
            { "Cma": {
                "Plugins": { "Directories": [ "{{testPlugins}}" ] },
                "Regions": [
                  { "Name": "f", "Size": "1M", "Allocator": "faulty", "Settings": { "Fault": "throw-create" } },
                  { "Name": "g", "Size": "1M" } ] } }
            """);
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CmaCli.Run(["info", "--config", config, .. extra], new CliConsole(output, error, interactive: false));
        return (exit, output.ToString(), error.ToString());
    }
}
