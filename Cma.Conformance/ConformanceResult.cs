namespace Cma.Conformance;

/// <summary>The outcome of one <see cref="ConformanceCheck"/> on one allocator.</summary>
/// <param name="PluginName">The allocator's name as the runner was given it (a provider name such as <c>best-fit</c>).</param>
/// <param name="CheckName">The check's <see cref="ConformanceCheck.Name"/>.</param>
/// <param name="Concern">The check's <see cref="ConformanceCheck.Concern"/>.</param>
/// <param name="Passed">Whether the allocator passed.</param>
/// <param name="Message">Why it failed (the <see cref="ConformanceFailure"/> message), or null when it passed.</param>
/// <param name="Seed">For a failed randomized check, the seed string that reproduces it; otherwise null.</param>
/// <param name="Elapsed">How long the check ran.</param>
public sealed record ConformanceResult(
    string PluginName,
    string CheckName,
    ConformanceConcern Concern,
    bool Passed,
    string? Message,
    string? Seed,
    TimeSpan Elapsed)
{
    /// <summary>Whether the check tests an optional capability the allocator does not have (e.g.
    /// <see cref="ICmaExactPlacement"/> on a contract 1.0 plugin): it did not run, and <see cref="Passed"/> is true.</summary>
    public bool NotApplicable { get; init; }
}
