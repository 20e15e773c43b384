using Cma.Conformance.Xunit;

namespace Cma.Plugins.Tests.Conformance;

/// <summary>The conformance kit on the TLSF plugin with its default settings (32 size classes per power of two).</summary>
public sealed class TlsfConformanceTests : AllocatorConformanceTests
{
    /// <inheritdoc/>
    public override string AllocatorName => "tlsf";

    /// <inheritdoc/>
    protected override ICmaAllocator CreateAllocator(CmaRegion region) => FirstPartyPlugins.Create(AllocatorName, region);
}
