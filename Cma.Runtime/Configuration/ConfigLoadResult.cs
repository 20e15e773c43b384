namespace Cma.Runtime.Configuration;

/// <summary>What loading the configuration gave: the validated options (null when there is any problem), every
/// problem found, and the file read (null when none was).</summary>
internal sealed record ConfigLoadResult(CmaOptions? Options, IReadOnlyList<ConfigProblem> Problems, string? SourcePath)
{
    /// <summary>Whether the configuration is valid (<see cref="Options"/> is set and there are no problems).</summary>
    public bool IsValid => Options is not null && Problems.Count == 0;
}
