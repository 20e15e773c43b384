namespace Cma.TestPlugins.Broken;

/// <summary>First fit that counts alignment padding as used in FreeBytes.</summary>
public sealed class BrokenFreeBytesProvider : FirstFitProvider
{
    /// <inheritdoc/>
    public override string Name => "broken-free-bytes";

    /// <inheritdoc/>
    public override string Description => "First fit that counts alignment padding as used in FreeBytes.";

    /// <inheritdoc/>
    protected override FirstFitDefect Defect => FirstFitDefect.FreeBytes;
}
