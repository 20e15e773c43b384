namespace Cma.TestPlugins.Broken;

/// <summary>First fit over a sorted list of holes, obviously right: the kit must pass it.</summary>
public sealed class ReferenceFirstFitProvider : FirstFitProvider
{
    /// <inheritdoc/>
    public override string Name => "reference-first-fit";

    /// <inheritdoc/>
    public override string Description => "First fit over a sorted list of holes, obviously right: the kit must pass it.";

    /// <inheritdoc/>
    protected override FirstFitDefect Defect => FirstFitDefect.None;
}
