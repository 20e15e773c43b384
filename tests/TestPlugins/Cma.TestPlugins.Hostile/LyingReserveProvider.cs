using Microsoft.Extensions.Configuration;

namespace Cma.TestPlugins.Hostile;

/// <summary>
/// Provider <c>hostile-reserve</c>: a correct first-fit allocator with exact placement (<see cref="ICmaExactPlacement"/>,
/// contract 1.1), whose reserve can be told to lie. Setting <c>LieWhenOccupied</c> (default false): when true,
/// <see cref="ICmaExactPlacement.TryReserve"/> of a range that is not all free returns true without reserving anything —
/// a host that believed it would hand out a range that overlaps a live chunk. The host's guard must catch it (the
/// range overlaps its chunk registry), fence the region and hand nothing out; the conformance kit must fail it.
/// Setting <c>ReserveNothing</c> (default false): when true, every reserve returns true and reserves nothing — what a
/// host that swaps or restores chunks into it must catch from its stats.
/// </summary>
public sealed class LyingReserveProvider : ICmaAllocatorProvider
{
    /// <inheritdoc/>
    public string Name => "hostile-reserve";

    /// <inheritdoc/>
    public string Description => "First fit with exact placement whose reserve may lie about occupied ranges (test plugin).";

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings)
    {
        var reader = new CmaSettingsReader(settings, "LieWhenOccupied", "ReserveNothing");
        bool lie = reader.GetBoolean("LieWhenOccupied", false);
        bool reserveNothing = reader.GetBoolean("ReserveNothing", false);
        if (region.Size > LyingReserveAllocator.MaxRegionSize)
            reader.AddProblem($"hostile-reserve keeps a flag per granule and manages regions of at most 64M; region '{region.Name}' is {region.Size} bytes.");
        reader.ThrowIfInvalid();
        return new LyingReserveAllocator(region, lie) { ReserveNothing = reserveNothing };
    }
}
