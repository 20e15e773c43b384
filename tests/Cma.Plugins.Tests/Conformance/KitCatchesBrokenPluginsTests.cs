using Cma.Conformance;

namespace Cma.Plugins.Tests.Conformance;

/// <summary>
/// Proof that the conformance kit can fail: each broken test plugin (Cma.TestPlugins.Broken, loaded as a DLL from
/// <c>test-plugins/</c> through the host's catalog) makes the check aimed at its defect fail for that defect's
/// reason, the randomized check catches every defect with a seed that reproduces it, and the correct
/// <c>reference-first-fit</c> from the same DLL passes every check.
/// </summary>
public sealed class KitCatchesBrokenPluginsTests
{
    /// <summary>Random operations per run here: enough for every defect, quick in Debug.</summary>
    private static readonly ConformanceOptions s_options = new() { Ops = 20_000 };

    /// <summary>Each broken provider, the check aimed at its defect, and the words its failure must contain.</summary>
    public static TheoryData<string, string, string> Defects => new()
    {
        { "broken-overlap", ConformanceSuite.FreedSpaceIsReusedWithoutOverlap.Name, "overlaps the live allocation" },
        { "broken-misaligned", ConformanceSuite.AlignmentIsOfTheAbsoluteAddress.Name, "is not a multiple of the requested alignment" },
        { "broken-out-of-bounds", ConformanceSuite.UnplaceableRequestsReturnFalse.Name, "is not inside the region" },
        { "broken-free-bytes", ConformanceSuite.StatsAreExactAfterEveryOperation.Name, "Stats.FreeBytes is" },
        { "broken-no-coalesce", ConformanceSuite.FreeingEverythingRestoresTheInitialFreeSpace.Name, "freeing must coalesce" },
        { "broken-throws-on-full", ConformanceSuite.AFullRegionReturnsFalseAndKeepsWorking.Name, "threw InvalidOperationException" },
    };

    /// <summary>Every broken provider.</summary>
    public static TheoryData<string> BrokenProviders => new()
    {
        "broken-overlap", "broken-misaligned", "broken-out-of-bounds", "broken-free-bytes", "broken-no-coalesce", "broken-throws-on-full",
    };

    /// <summary>The check aimed at a defect fails on the plugin that has it, and says why.</summary>
    [Theory]
    [MemberData(nameof(Defects))]
    public void The_check_aimed_at_a_defect_fails_on_the_plugin_that_has_it(string providerName, string checkName, string symptom)
    {
        ICmaAllocatorProvider provider = BrokenPlugins.Provider(providerName);

        ConformanceResult result = Assert.Single(ConformanceRunner.Run(provider, s_options with { Checks = [checkName] }));

        Assert.False(result.Passed, $"{checkName} passed {providerName}.");
        Assert.Contains(symptom, result.Message, StringComparison.Ordinal);
    }

    /// <summary>The randomized check catches every defect, and the seed it prints reproduces a failure on its own: with
    /// one operation asked for, only the sequence that seed generates runs.</summary>
    [Theory]
    [MemberData(nameof(BrokenProviders))]
    public void Random_sequences_catch_every_defect_with_a_seed_that_reproduces_it(string providerName)
    {
        ICmaAllocatorProvider provider = BrokenPlugins.Provider(providerName);
        string[] randomized = [ConformanceSuite.RandomSequencesMatchTheReferenceModel.Name];

        ConformanceResult found = Assert.Single(ConformanceRunner.Run(provider, s_options with { Checks = randomized }));
        Assert.False(found.Passed, $"Random sequences passed {providerName}.");
        Assert.NotNull(found.Seed);
        Assert.Contains($"reproduce with seed {found.Seed}", found.Message, StringComparison.Ordinal);
        Assert.Matches(@"the 1 operation:|the \d+ operations, in order:|the last \d+ of \d+ operations:", found.Message);
        ConformanceResult replayed = Assert.Single(ConformanceRunner.Run(provider, new ConformanceOptions { Ops = 1, Seed = found.Seed, Checks = randomized }));

        Assert.False(replayed.Passed, $"The seed {found.Seed} did not reproduce the failure of {providerName}.");
        Assert.NotNull(replayed.Seed);
    }

    /// <summary>The reference first-fit, an obviously right allocator in the same DLL, passes every check.</summary>
    [Fact]
    public void The_reference_first_fit_passes_every_check()
    {
        ICmaAllocatorProvider provider = BrokenPlugins.Provider("reference-first-fit");

        IReadOnlyList<ConformanceResult> results = ConformanceRunner.Run(provider, s_options);

        Assert.Equal(ConformanceSuite.All.Count, results.Count);
        Assert.All(results, result => Assert.True(result.Passed, $"{result.CheckName}: {result.Message}"));
    }

    /// <summary>Capability flags state what the checks expect: declaring power-of-two rounding for the exact reference
    /// allocator makes the stats check fail, so the flags are really read.</summary>
    [Fact]
    public void A_capability_flag_that_contradicts_the_allocator_fails_the_check_that_reads_it()
    {
        ICmaAllocatorProvider provider = BrokenPlugins.Provider("reference-first-fit");
        var options = s_options with
        {
            Capabilities = new ConformanceCapabilities { Rounding = CmaRounding.PowerOfTwo },
            Checks = [ConformanceSuite.StatsAreExactAfterEveryOperation.Name],
        };

        ConformanceResult result = Assert.Single(ConformanceRunner.Run(provider, options));

        Assert.False(result.Passed);
        Assert.Contains("Stats.FreeBytes is", result.Message, StringComparison.Ordinal);
    }
}
