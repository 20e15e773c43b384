using Cma.TestPlugins.Shared;

namespace Cma.TestPlugins.Versioned;

/// <summary>
/// The shared first-fit flag allocator with exact placement, so that a region holding chunks can hot-swap to it.
/// <see cref="Build"/> says which build it is.
/// </summary>
internal sealed class VersionedAllocator(CmaRegion region) : GranuleFlagAllocator(region)
{
    /// <summary>The build this instance comes from: "A" or "B".</summary>
    public string Build => VersionedProvider.Build;

    /// <summary>Whether every exact placement is refused (see the provider's <c>RefuseReserveInB</c>).</summary>
    public bool RefuseReserve { get; init; }

    /// <inheritdoc/>
    public override bool TryReserve(ulong address, ulong size) => !RefuseReserve && base.TryReserve(address, size);
}
