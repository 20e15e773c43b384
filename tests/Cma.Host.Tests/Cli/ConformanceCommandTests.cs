using Cma.Conformance;

namespace Cma.Host.Tests.Cli;

/// <summary><c>cma conformance</c> run in-process: the table over the first-party plugins, a broken plugin's failure
/// with its seed and failing sequence, and bad usage.</summary>
public sealed class ConformanceCommandTests
{
    /// <summary>The broken test plugin's DLL, copied beside this assembly under test-plugins/.</summary>
    private static string BrokenPluginDll
    {
        get
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "test-plugins", "Cma.TestPlugins.Broken", "Cma.TestPlugins.Broken.dll");
            Assert.True(File.Exists(dll), $"the broken test plugin should be built to {dll}");
            return dll;
        }
    }

    [Fact]
    public void Every_first_party_plugin_passes_every_check_and_the_table_shows_each_of_them()
    {
        (int code, string output, string error) = CliRun.Run("conformance", "--config", CliRun.DefaultConfig, "--ops", "2000");

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        foreach (string allocator in new[] { "best-fit", "bitmap", "buddy", "tlsf" })
            Assert.Contains(allocator, output, StringComparison.Ordinal);
        foreach (ConformanceCheck check in ConformanceSuite.All)
            Assert.Contains(check.Name, output, StringComparison.Ordinal);
        Assert.DoesNotContain("✗", output, StringComparison.Ordinal);
        Assert.Contains($"4 allocator(s) × {ConformanceSuite.All.Count} checks: {4 * ConformanceSuite.All.Count} passed, 0 failed;", output, StringComparison.Ordinal);
        Assert.Matches(@"exact placement\s*│\s*yes\s*│\s*yes\s*│\s*yes\s*│\s*yes", output);
    }

    [Fact]
    public void A_plugin_without_exact_placement_shows_no_in_the_table_and_its_exact_placement_checks_are_not_applicable()
    {
        (int code, string output, string error) = CliRun.Run(
            "conformance", "--config", CliRun.DefaultConfig, "--plugin", BrokenPluginDll, "--allocator", "reference-first-fit", "--allocator", "best-fit", "--ops", "2000");

        int exactChecks = ConformanceSuite.All.Count(c => c.RequiresExactPlacement);
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Matches(@"exact placement\s*│\s*no \(1\.0 contract\)\s*│\s*yes", output);
        Assert.Matches($@"{ConformanceSuite.ReservedRangesAreNeverOverlapped.Name}\s*│\s*–\s*│\s*✓", output);
        Assert.Contains($"2 allocator(s) × {ConformanceSuite.All.Count} checks: {2 * ConformanceSuite.All.Count - exactChecks} passed, 0 failed, " +
            $"{exactChecks} not applicable (no exact placement);", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_plugin_given_with_plugin_fails_with_exit_code_1_and_prints_the_failing_sequence_and_its_seed()
    {
        (int code, string output, string error) = CliRun.Run(
            "conformance", "--config", CliRun.DefaultConfig, "--plugin", BrokenPluginDll, "--allocator", "broken-overlap", "--ops", "20000");

        Assert.True(code == 1, $"exit {code}\n{output}\n{error}");
        Assert.Contains($"✗ broken-overlap failed {ConformanceSuite.FreedSpaceIsReusedWithoutOverlap.Name}", output, StringComparison.Ordinal);
        Assert.Contains($"✗ broken-overlap failed {ConformanceSuite.RandomSequencesMatchTheReferenceModel.Name}", output, StringComparison.Ordinal);
        Assert.Matches(@"the 1 operation:|the \d+ operations, in order:|the last \d+ of \d+ operations:", output);
        Assert.Matches(@"  seed: \S+", output);
        Assert.Matches(@"reproduce: cma conformance --plugin "".*Cma\.TestPlugins\.Broken\.dll"" --allocator broken-overlap --ops 1 --seed \S+", output);
        Assert.Contains("conformance: 1 allocator(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_seed_a_failure_prints_reproduces_it()
    {
        string[] run = ["conformance", "--config", CliRun.DefaultConfig, "--plugin", BrokenPluginDll, "--allocator", "broken-no-coalesce", "--ops", "20000"];
        (_, string first, _) = CliRun.Run(run);
        string seed = System.Text.RegularExpressions.Regex.Match(first, @"  seed: (\S+)").Groups[1].Value;

        (int code, string output, string error) = CliRun.Run([.. run[..^2], "--ops", "1", "--seed", seed]);

        Assert.NotEqual("", seed);
        Assert.True(code == 1, $"exit {code}\n{output}\n{error}");
        Assert.Contains($"✗ broken-no-coalesce failed {ConformanceSuite.RandomSequencesMatchTheReferenceModel.Name}", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_allocator_that_is_not_loaded_is_bad_usage_and_the_message_lists_the_loaded_ones()
    {
        (int code, string output, string error) = CliRun.Run("conformance", "--config", CliRun.DefaultConfig, "--allocator", "best-fitt");

        Assert.True(code == 2, $"exit {code}\n{output}\n{error}");
        Assert.Contains("allocator 'best-fitt' is not loaded. Did you mean 'best-fit'?", error, StringComparison.Ordinal);
        Assert.Contains("best-fit, bitmap, buddy", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("--ops", "0", "--ops must be at least 1")]
    [InlineData("--seed", "not a seed", "is not a conformance seed")]
    public void A_bad_ops_or_seed_is_bad_usage_and_runs_nothing(string option, string value, string message)
    {
        (int code, string output, string error) = CliRun.Run("conformance", "--config", CliRun.DefaultConfig, option, value);

        Assert.True(code == 2, $"exit {code}\n{output}\n{error}");
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }
}
