using System.Text;
using Cma.Runtime.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cma.Benchmarks;

/// <summary>
/// A host service built from a JSON <c>Cma</c> section the way the CLI builds one: read, validated against the loaded
/// first-party plugins (<see cref="BenchPlugins.Catalog"/>), bound by <c>CmaRuntimeBuilder</c> (which maps backed
/// regions and applies the <c>Reusable</c>/<c>MovableFrom</c> keys), without metrics. Used by the reusable-region
/// benchmarks, whose regions need configuration keys that <see cref="BenchPlugins.CreateHost"/> does not set.
/// </summary>
internal static class ReusableHost
{
    /// <summary>A service over <paramref name="regions"/> (a JSON array of region objects); throws with every problem.</summary>
    public static CmaService Create(string regions)
    {
        string json = $$"""{ "Cma": { "Regions": {{regions}} } }""";
        IConfigurationRoot root = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        ConfigLoadResult config = CmaConfigurationLoader.Validate(
            CmaConfigurationLoader.ReadSection(root.GetSection("Cma"), AppContext.BaseDirectory),
            [.. BenchPlugins.Catalog.Providers.Select(p => p.Name)]);
        if (!config.IsValid)
            throw new InvalidOperationException("Benchmark configuration is invalid: " + string.Join("; ", config.Problems));
        (CmaService? service, IReadOnlyList<ConfigProblem> problems) = CmaRuntimeBuilder.Build(config.Options!, BenchPlugins.Catalog, NullLoggerFactory.Instance);
        return service ?? throw new InvalidOperationException("Benchmark host did not build: " + string.Join("; ", problems));
    }
}
