using Cma.Runtime.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cma.Host.Tests.Configuration;

/// <summary>Loads test configurations and asserts on their problems.</summary>
internal static class ConfigAssert
{
    /// <summary>The allocators the tests pretend the catalog loaded.</summary>
    public static readonly string[] Allocators = ["best-fit", "bitmap", "buddy"];

    /// <summary>No environment variables.</summary>
    public static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    /// <summary>Writes <paramref name="json"/> to a temp file, loads it with <c>--config</c>, deletes it.</summary>
    public static ConfigLoadResult Load(string json, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var folder = new TempConfigFolder();
        string path = folder.Write(json);
        return LoadFile(path, folder.Path, folder.Path, environment);
    }

    /// <summary>What the host does: reads the configuration (once), then validates it against <see cref="Allocators"/>.</summary>
    public static ConfigLoadResult LoadFile(string? explicitPath, string workingDirectory, string executableDirectory,
        IReadOnlyDictionary<string, string>? environment = null) =>
        CmaConfigurationLoader.Validate(CmaConfigurationLoader.Read(explicitPath, workingDirectory, executableDirectory, environment ?? NoEnvironment), Allocators);

    /// <summary>What <c>AddCma</c> does: reads an application's bound section, then validates it against <see cref="Allocators"/>.</summary>
    public static ConfigLoadResult LoadSection(IConfiguration cmaSection, string baseDirectory) =>
        CmaConfigurationLoader.Validate(CmaConfigurationLoader.ReadSection(cmaSection, baseDirectory), Allocators);

    /// <summary>Loads <paramref name="json"/> and asserts it is valid.</summary>
    public static CmaOptions Valid(string json, IReadOnlyDictionary<string, string>? environment = null)
    {
        ConfigLoadResult result = Load(json, environment);
        Assert.True(result.Problems.Count == 0, string.Join(Environment.NewLine, result.Problems));
        Assert.NotNull(result.Options);
        return result.Options;
    }

    /// <summary>Asserts that the load failed with a problem in <paramref name="field"/> whose message contains
    /// every one of <paramref name="words"/>; returns that problem.</summary>
    public static ConfigProblem Problem(ConfigLoadResult result, string field, params string[] words)
    {
        Assert.Null(result.Options);
        string all = string.Join(Environment.NewLine, result.Problems);
        foreach (ConfigProblem problem in result.Problems)
        {
            if (problem.Field == field && Array.TrueForAll(words, w => problem.Message.Contains(w, StringComparison.Ordinal)))
                return problem;
        }
        Assert.Fail($"no problem in '{field}' containing [{string.Join(" | ", words)}]; problems were:{Environment.NewLine}{all}");
        return null!;
    }

    /// <summary>A configuration with the given regions array and optional extra top-level members.</summary>
    public static string Config(string regions, string extra = "") =>
        $$"""{ "Cma": { "Regions": {{regions}}{{(extra.Length == 0 ? "" : ", " + extra)}} } }""";
}
