using Cma.Conformance;
using Cma.Conformance.Xunit;

namespace Cma.Plugins.Tests.Conformance;

/// <summary>The conformance kit on the buddy plugin with <c>TrimTail</c>: an allocation keeps only the granules
/// asked for and returns the rest of its block.</summary>
public sealed class BuddyTrimTailConformanceTests : AllocatorConformanceTests
{
    /// <summary>The region settings of this variant.</summary>
    private static readonly Dictionary<string, string?> s_settings = new() { ["TrimTail"] = "true" };

    /// <inheritdoc/>
    public override string AllocatorName => "buddy";

    /// <summary>With TrimTail the rounding is a multiple of the granule, so the kit would hold reserves to be exact by
    /// default; buddy still accepts only ranges that start on their own block's boundary (see its README).</summary>
    protected override ConformanceCapabilities Capabilities => new() { ReserveMayRefuseFreeRanges = true };

    /// <inheritdoc/>
    protected override ICmaAllocator CreateAllocator(CmaRegion region) => FirstPartyPlugins.Create(AllocatorName, region, s_settings);
}
