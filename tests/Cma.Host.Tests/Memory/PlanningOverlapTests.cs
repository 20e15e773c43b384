using Cma.Runtime.Configuration;
using Cma.Runtime.Plugins;
using Cma.Host.Tests.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cma.Host.Tests.Memory;

/// <summary>A planning region whose numbers overlap a real mapping would make addresses ambiguous: a start-up error.</summary>
public class PlanningOverlapTests
{
    [Fact]
    public void A_planning_region_that_numerically_overlaps_a_mapping_is_a_start_up_error_naming_both()
    {
        // The planning region spans the whole user address space, so it overlaps the mapping wherever the kernel puts it.
        CmaOptions options = ConfigAssert.Valid(ConfigAssert.Config("""
            [ { "Name": "real", "Size": "1M", "Backing": "Native" },
              { "Name": "everything", "Start": "0x10000", "Size": "0x7FFFFFFF0000" } ]
            """));
        using PluginCatalog catalog = PluginCatalog.Load([PluginCatalog.FirstPartyDirectory]);

        (CmaService? service, IReadOnlyList<ConfigProblem> problems) = CmaRuntimeBuilder.Build(options, catalog, NullLoggerFactory.Instance);

        Assert.Null(service);
        ConfigProblem problem = Assert.Single(problems);
        Assert.Equal("Cma:Regions:1", problem.Field);
        Assert.Contains("planning region 'everything'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("mapping of region 'real'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_native_region_the_system_cannot_reserve_is_a_start_up_error_naming_the_region()
    {
        CmaOptions options = ConfigAssert.Valid(ConfigAssert.Config("""[ { "Name": "huge", "Size": "0x7FFFFFFFF000000", "Backing": "Native" } ]"""));
        using PluginCatalog catalog = PluginCatalog.Load([PluginCatalog.FirstPartyDirectory]);

        (CmaService? service, IReadOnlyList<ConfigProblem> problems) = CmaRuntimeBuilder.Build(options, catalog, NullLoggerFactory.Instance);

        Assert.Null(service);
        ConfigProblem problem = Assert.Single(problems);
        Assert.Equal("Cma:Regions:0:Backing", problem.Field);
        Assert.Contains("region 'huge'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("could not be mapped", problem.Message, StringComparison.Ordinal);
    }
}
