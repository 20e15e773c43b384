namespace Cma.TestPlugins.Broken;

/// <summary>First fit whose free merges into a non-adjacent next hole: ranges overlap after some frees.</summary>
public sealed class BrokenOverlapProvider : FirstFitProvider
{
    /// <inheritdoc/>
    public override string Name => "broken-overlap";

    /// <inheritdoc/>
    public override string Description => "First fit whose free merges into a non-adjacent next hole: ranges overlap after some frees.";

    /// <inheritdoc/>
    protected override FirstFitDefect Defect => FirstFitDefect.Overlap;
}
