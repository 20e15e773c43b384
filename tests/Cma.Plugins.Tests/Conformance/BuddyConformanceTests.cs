using Cma.Conformance.Xunit;

namespace Cma.Plugins.Tests.Conformance;

/// <summary>The conformance kit on the buddy plugin with its default settings.</summary>
public sealed class BuddyConformanceTests : AllocatorConformanceTests
{
    /// <inheritdoc/>
    public override string AllocatorName => "buddy";

    /// <inheritdoc/>
    protected override ICmaAllocator CreateAllocator(CmaRegion region) => FirstPartyPlugins.Create(AllocatorName, region);
}
