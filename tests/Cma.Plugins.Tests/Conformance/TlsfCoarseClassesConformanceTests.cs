using Cma.Conformance.Xunit;

namespace Cma.Plugins.Tests.Conformance;

/// <summary>The conformance kit on the TLSF plugin with <c>SecondLevelBits: 1</c>: two size classes per power of two, so
/// a class spans sizes up to half its lower bound apart and the O(1) searches most often pass over a block that would
/// fit, leaving it to the walk of the request's own class.</summary>
public sealed class TlsfCoarseClassesConformanceTests : AllocatorConformanceTests
{
    /// <summary>The region settings of this variant.</summary>
    private static readonly Dictionary<string, string?> s_settings = new() { ["SecondLevelBits"] = "1" };

    /// <inheritdoc/>
    public override string AllocatorName => "tlsf";

    /// <inheritdoc/>
    protected override ICmaAllocator CreateAllocator(CmaRegion region) => FirstPartyPlugins.Create(AllocatorName, region, s_settings);
}
