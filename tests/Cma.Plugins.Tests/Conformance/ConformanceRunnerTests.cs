using Cma.Conformance;

namespace Cma.Plugins.Tests.Conformance;

/// <summary>The runner API that <c>cma conformance</c> calls: selection of checks, seeds, progress.</summary>
public sealed class ConformanceRunnerTests
{
    [Fact]
    public void Asking_for_a_check_that_does_not_exist_is_an_argument_error_naming_it()
    {
        ICmaAllocatorProvider provider = BrokenPlugins.Provider("reference-first-fit");

        var error = Assert.Throws<ArgumentException>(() => ConformanceRunner.Run(provider, new ConformanceOptions { Checks = ["No_such_check"] }));

        Assert.Contains("No_such_check", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_seed_that_no_failure_printed_is_an_argument_error()
    {
        ICmaAllocatorProvider provider = BrokenPlugins.Provider("reference-first-fit");

        Assert.Throws<ArgumentException>(() => ConformanceRunner.Run(provider, new ConformanceOptions { Seed = "not a seed" }));
    }

    [Fact]
    public void Progress_hears_each_result_as_its_check_finishes_in_suite_order()
    {
        ICmaAllocatorProvider provider = BrokenPlugins.Provider("broken-no-coalesce");
        var heard = new ResultList();
        string[] names = [ConformanceSuite.FreeingEverythingRestoresTheInitialFreeSpace.Name, ConformanceSuite.AllocationsLieInsideTheRegionAndNeverOverlap.Name];

        IReadOnlyList<ConformanceResult> results = ConformanceRunner.Run(provider, new ConformanceOptions { Checks = names }, heard);

        Assert.Equal(results, heard.Results);
        Assert.Equal(
            [ConformanceSuite.AllocationsLieInsideTheRegionAndNeverOverlap.Name, ConformanceSuite.FreeingEverythingRestoresTheInitialFreeSpace.Name],
            results.Select(r => r.CheckName));
        Assert.Equal([true, false], results.Select(r => r.Passed));
        Assert.All(results, r => Assert.Equal("broken-no-coalesce", r.PluginName));
    }

    /// <summary>A progress sink that records synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class ResultList : IProgress<ConformanceResult>
    {
        /// <summary>Every result reported, in order.</summary>
        public List<ConformanceResult> Results { get; } = [];

        /// <inheritdoc/>
        public void Report(ConformanceResult value) => Results.Add(value);
    }
}
