namespace Cma.TestPlugins.Broken;

/// <summary>First fit whose fit test wraps when alignment moves a start past the hole: places past the region end.</summary>
public sealed class BrokenOutOfBoundsProvider : FirstFitProvider
{
    /// <inheritdoc/>
    public override string Name => "broken-out-of-bounds";

    /// <inheritdoc/>
    public override string Description => "First fit whose fit test wraps when alignment moves a start past the hole: places past the region end.";

    /// <inheritdoc/>
    protected override FirstFitDefect Defect => FirstFitDefect.OutOfBounds;
}
