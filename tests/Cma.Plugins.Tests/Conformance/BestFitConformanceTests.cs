using Cma.Conformance.Xunit;

namespace Cma.Plugins.Tests.Conformance;

/// <summary>The conformance kit on the best-fit plugin, loaded as a DLL through the host's catalog.</summary>
public sealed class BestFitConformanceTests : AllocatorConformanceTests
{
    /// <inheritdoc/>
    public override string AllocatorName => "best-fit";

    /// <inheritdoc/>
    protected override ICmaAllocator CreateAllocator(CmaRegion region) => FirstPartyPlugins.Create(AllocatorName, region);
}
