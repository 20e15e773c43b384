using Cma.Host.Tests.Cli;

namespace Cma.Host.Tests.Configuration;

/// <summary>
/// The catalogue of malformed configurations in <c>Configuration/Catalogue/</c>: each <c>NN-what.json</c> is run through
/// <c>cma info --config</c> exactly as a user would, and must exit 2 with exactly the text in <c>NN-what.expected</c> on
/// standard error (<c>{config}</c> stands for the file's path) and nothing on standard output. The expected files are
/// the documentation of what a user sees; a change to a message changes them.
/// </summary>
public class MalformedCatalogueTests
{
    private static string CatalogueDirectory => Path.Combine(AppContext.BaseDirectory, "Configuration", "Catalogue");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.EnumerateFiles(CatalogueDirectory, "*.json").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cma_info_rejects_the_configuration_with_exit_code_2_and_exactly_the_catalogued_message(string name)
    {
        string config = Path.Combine(Path.GetTempPath(), "cma-catalogue-" + Guid.NewGuid().ToString("N"), name + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        File.Copy(Path.Combine(CatalogueDirectory, name + ".json"), config);
        try
        {
            string expected = File.ReadAllText(Path.Combine(CatalogueDirectory, name + ".expected")).Replace("{config}", config, StringComparison.Ordinal);

            (int code, string output, string error) = CliRun.Run("info", "--config", config);

            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.Equal(expected.TrimEnd(), error.TrimEnd());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(config)!, recursive: true);
        }
    }

    [Fact]
    public void The_catalogue_holds_at_least_25_malformed_configurations_each_with_its_expected_message()
    {
        string[] configs = Directory.GetFiles(CatalogueDirectory, "*.json");

        Assert.True(configs.Length >= 25, $"only {configs.Length} catalogued configurations");
        Assert.All(configs, c => Assert.True(File.Exists(Path.ChangeExtension(c, ".expected")), c));
    }
}
