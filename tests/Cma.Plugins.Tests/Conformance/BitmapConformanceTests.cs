using Cma.Conformance.Xunit;

namespace Cma.Plugins.Tests.Conformance;

/// <summary>The conformance kit on the bitmap plugin with its default settings (one bit per granule, first fit).</summary>
public sealed class BitmapConformanceTests : AllocatorConformanceTests
{
    /// <inheritdoc/>
    public override string AllocatorName => "bitmap";

    /// <inheritdoc/>
    protected override ICmaAllocator CreateAllocator(CmaRegion region) => FirstPartyPlugins.Create(AllocatorName, region);
}
