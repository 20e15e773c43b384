namespace Cma.TestPlugins.Broken;

/// <summary>First fit that throws instead of returning false when no hole fits.</summary>
public sealed class BrokenThrowsOnFullProvider : FirstFitProvider
{
    /// <inheritdoc/>
    public override string Name => "broken-throws-on-full";

    /// <inheritdoc/>
    public override string Description => "First fit that throws instead of returning false when no hole fits.";

    /// <inheritdoc/>
    protected override FirstFitDefect Defect => FirstFitDefect.ThrowsOnFull;
}
