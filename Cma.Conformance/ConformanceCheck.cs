namespace Cma.Conformance;

/// <summary>
/// One check of the conformance kit: a named, framework-free test of one postcondition of
/// <see cref="ICmaAllocator"/>. It creates the allocators it needs through
/// <see cref="ConformanceContext.CreateAllocator"/>, choosing the regions itself, and throws
/// <see cref="ConformanceFailure"/> when the allocator breaks the contract.
/// </summary>
public sealed class ConformanceCheck
{
    /// <summary>What the check does when run.</summary>
    private readonly Action<ConformanceContext> _run;

    /// <summary>Creates a check.</summary>
    /// <param name="name">The check's name, a sentence with underscores (the xunit suite's test method has this name).</param>
    /// <param name="concern">What part of the contract it exercises.</param>
    /// <param name="description">One line saying what it verifies.</param>
    /// <param name="run">The check itself.</param>
    public ConformanceCheck(string name, ConformanceConcern concern, string description, Action<ConformanceContext> run)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        ArgumentNullException.ThrowIfNull(run);
        Name = name;
        Concern = concern;
        Description = description;
        _run = run;
    }

    /// <summary>The check's name, e.g. <c>Allocations_lie_inside_the_region_and_never_overlap</c>.</summary>
    public string Name { get; }

    /// <summary>What part of the contract it exercises.</summary>
    public ConformanceConcern Concern { get; }

    /// <summary>One line saying what it verifies.</summary>
    public string Description { get; }

    /// <summary>Whether the check tests the optional <see cref="ICmaExactPlacement"/> capability: on an allocator that
    /// does not implement it the check does nothing and its result is <see cref="ConformanceResult.NotApplicable"/>.</summary>
    public bool RequiresExactPlacement { get; init; }

    /// <summary>Whether the check applies to the allocators of <paramref name="context"/>.</summary>
    /// <param name="context">The allocator factory and options.</param>
    /// <returns>False only for a check of an optional capability the allocator does not have.</returns>
    public bool AppliesTo(ConformanceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return !RequiresExactPlacement || context.HasExactPlacement;
    }

    /// <summary>Runs the check.</summary>
    /// <param name="context">The allocator factory and options.</param>
    /// <exception cref="ConformanceFailure">The allocator broke the contract.</exception>
    public void Run(ConformanceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (AppliesTo(context))
            _run(context);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
