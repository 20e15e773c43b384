using Cma.TestPlugins.Shared;

namespace Cma.TestPlugins.Hostile;

/// <summary>
/// The shared first-fit flag allocator whose exact placement lies when told to: with <c>lie</c>,
/// <see cref="TryReserve"/> of an occupied range returns true and changes nothing, so the "reserved" range is still
/// someone else's; with <see cref="ReserveNothing"/>, every reserve returns true and reserves nothing.
/// </summary>
internal sealed class LyingReserveAllocator(CmaRegion region, bool lie) : GranuleFlagAllocator(region)
{
    /// <summary>Whether every reserve returns true without reserving anything.</summary>
    public bool ReserveNothing { get; init; }

    /// <inheritdoc/>
    public override bool TryReserve(ulong address, ulong size)
    {
        if (ReserveNothing)
            return true; // the lie: nothing is marked, so the stats still show the range free
        if (lie && !AllFree(address, size))
            return true; // the lie: "reserved", though the range is someone else's and nothing changed
        return base.TryReserve(address, size);
    }
}
