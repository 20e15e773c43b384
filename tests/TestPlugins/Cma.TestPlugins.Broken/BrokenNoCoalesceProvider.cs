namespace Cma.TestPlugins.Broken;

/// <summary>First fit whose free never merges neighbouring holes.</summary>
public sealed class BrokenNoCoalesceProvider : FirstFitProvider
{
    /// <inheritdoc/>
    public override string Name => "broken-no-coalesce";

    /// <inheritdoc/>
    public override string Description => "First fit whose free never merges neighbouring holes.";

    /// <inheritdoc/>
    protected override FirstFitDefect Defect => FirstFitDefect.NoCoalesce;
}
