using Cma.Host.Tests.Cli;
using Cma.Runtime.Configuration;
using static Cma.Host.Tests.Configuration.ConfigAssert;

namespace Cma.Host.Tests.Movable;

/// <summary>The reusable-region keys (<c>Reusable</c>, <c>MovableFrom</c>, <c>MigrationRetries</c>): read when right; when
/// wrong, each reported with its field and the fix, all at once, and the CLI exits 2.</summary>
public sealed class ReusableConfigurationTests
{
    private static string Region(string members, string name = "a") =>
        $$"""{ "Name": "{{name}}", "Size": "1M", "Allocator": "best-fit", {{members}} }""";

    [Fact]
    public void The_keys_are_read_when_right()
    {
        CmaOptions options = Valid(Config("[ " + string.Join(", ",
            Region("\"Reusable\": true", "a"),
            Region("\"Reusable\": \"True\", \"MovableFrom\": \"bottom\", \"MigrationRetries\": 0", "b"),
            Region("\"Reusable\": true, \"MovableFrom\": \"Top\", \"MigrationRetries\": \"64\"", "c"),
            Region("\"Reusable\": false", "d")) + " ]"));

        Assert.Equal(new RegionMovableOptions(true, true, RegionMovableOptions.DefaultRetries), options.Regions[0].Movable);
        Assert.Equal(new RegionMovableOptions(true, false, 0), options.Regions[1].Movable);
        Assert.Equal(new RegionMovableOptions(true, true, 64), options.Regions[2].Movable);
        Assert.Equal(RegionMovableOptions.Default, options.Regions[3].Movable);
    }

    [Theory]
    [InlineData("\"yes\"", "has Reusable 'yes'; write true (the region lends its free space to movable chunks) or false")]
    [InlineData("1", "has Reusable '1'; write true")]
    [InlineData("{ \"On\": true }", "expected true or false; found an object")]
    public void Reusable_that_is_not_true_or_false_is_reported(string value, string words)
    {
        Problem(Load(Config("[ " + Region("\"Reusable\": " + value) + " ]")), "Cma:Regions:0:Reusable", words);
    }

    [Theory]
    [InlineData("\"Middle\"", "MovableFrom 'Middle'")]
    [InlineData("\"\"", "MovableFrom ''")]
    [InlineData("[ \"Top\" ]", "expected \"Top\" or \"Bottom\"")]
    public void MovableFrom_that_is_not_Top_or_Bottom_is_reported(string value, string words)
    {
        ConfigProblem p = Problem(Load(Config("[ " + Region("\"Reusable\": true, \"MovableFrom\": " + value) + " ]")), "Cma:Regions:0:MovableFrom", words);
        Assert.Contains("\"Top\"", p.Message, StringComparison.Ordinal);
        Assert.Contains("\"Bottom\"", p.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("65")]
    [InlineData("-1")]
    [InlineData("\"three\"")]
    [InlineData("2.5")]
    [InlineData("\"99999999999\"")]
    public void MigrationRetries_out_of_range_or_not_a_whole_number_is_reported(string value)
    {
        Problem(Load(Config("[ " + Region("\"Reusable\": true, \"MigrationRetries\": " + value) + " ]")), "Cma:Regions:0:MigrationRetries",
            "MigrationRetries '" + value.Trim('"') + "'", "write a whole number from 0 to 64");
    }

    [Theory]
    [InlineData("\"MovableFrom\": \"Bottom\"", "MovableFrom")]
    [InlineData("\"MigrationRetries\": 5", "MigrationRetries")]
    [InlineData("\"Reusable\": false, \"MovableFrom\": \"Top\"", "MovableFrom")]
    public void A_reusable_key_without_Reusable_true_is_reported(string members, string key)
    {
        Problem(Load(Config("[ " + Region(members) + " ]")), "Cma:Regions:0:" + key, $"sets {key} but is not reusable", "add \"Reusable\": true, or remove " + key);
    }

    private static readonly string Broken = "[ " + string.Join(", ",
        Region("\"Reusable\": \"maybe\"", "a"),
        Region("\"Reusable\": true, \"MovableFrom\": \"Left\", \"MigrationRetries\": 100", "b"),
        Region("\"MovableFrom\": \"Top\"", "c"),
        Region("\"Reusable\": true, \"MigrationRetries\": \"x\"", "d")) + " ]";

    [Fact]
    public void Every_wrong_key_is_reported_at_once()
    {
        ConfigLoadResult result = Load(Config(Broken));
        Problem(result, "Cma:Regions:0:Reusable", "'maybe'");
        Problem(result, "Cma:Regions:1:MovableFrom", "'Left'");
        Problem(result, "Cma:Regions:1:MigrationRetries", "'100'");
        Problem(result, "Cma:Regions:2:MovableFrom", "is not reusable");
        Problem(result, "Cma:Regions:3:MigrationRetries", "'x'");
        Assert.Equal(5, result.Problems.Count);
    }

    [Fact]
    public void The_cli_exits_2_and_names_every_wrong_field_with_its_fix()
    {
        string config = CliRun.TempConfig(Config(Broken));
        try
        {
            (int code, string output, string error) = CliRun.Run("info", "--config", config);
            Assert.Equal(2, code);
            Assert.Equal("", output);
            foreach (string words in new[] { "Cma:Regions:0:Reusable", "has Reusable", "Cma:Regions:1:MovableFrom", "\"Bottom\"",
                "Cma:Regions:1:MigrationRetries", "from 0 to 64", "Cma:Regions:2:MovableFrom", "add \"Reusable\": true", "Cma:Regions:3:MigrationRetries" })
                Assert.Contains(words, error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(config)!, recursive: true);
        }
    }
}
