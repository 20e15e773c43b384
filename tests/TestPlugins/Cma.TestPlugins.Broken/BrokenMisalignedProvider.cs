namespace Cma.TestPlugins.Broken;

/// <summary>First fit that aligns the offset in the region, not the absolute address.</summary>
public sealed class BrokenMisalignedProvider : FirstFitProvider
{
    /// <inheritdoc/>
    public override string Name => "broken-misaligned";

    /// <inheritdoc/>
    public override string Description => "First fit that aligns the offset in the region, not the absolute address.";

    /// <inheritdoc/>
    protected override FirstFitDefect Defect => FirstFitDefect.Misaligned;
}
