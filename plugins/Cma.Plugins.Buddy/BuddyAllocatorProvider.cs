using Microsoft.Extensions.Configuration;

namespace Cma.Plugins.Buddy;

/// <summary>
/// The <c>buddy</c> allocator: blocks of 2^k granules aligned to their size in absolute address, split on
/// allocate, merged with their buddy on free; any region start and size; optional tail trimming.
/// Settings: <c>MaxOrder</c> (0..63, default: the largest block the region holds), <c>TrimTail</c> (true/false).
/// </summary>
public sealed class BuddyAllocatorProvider : ICmaAllocatorProvider
{
    /// <summary>The most blocks the region may be cut into up front (a small MaxOrder on a large region): beyond
    /// this the allocator would no longer cost memory proportional to its free space.</summary>
    internal const int MaxSeedBlocks = 1 << 20;

    /// <inheritdoc/>
    public string Name => "buddy";

    /// <inheritdoc/>
    public string Description => "Binary buddy: blocks of 2^k granules aligned to their size; split on allocate, merge with the buddy on free.";

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        BuddyOptions options = BuddyOptions.Read(settings);
        int shift = System.Numerics.BitOperations.Log2(region.Granule);
        ulong first = region.Start >> shift;
        ulong end = region.End >> shift;
        int regionOrder = BuddyMath.LargestTileOrder(first, end);
        int maxOrder = Math.Min(options.MaxOrder ?? regionOrder, regionOrder);
        ulong seedBlocks = BuddyMath.TileCount(first, end, maxOrder);
        if (seedBlocks > MaxSeedBlocks)
        {
            int fits = maxOrder;
            while (BuddyMath.TileCount(first, end, fits) > MaxSeedBlocks)
                fits++;
            throw new CmaSettingsException(
                $"MaxOrder {maxOrder} cuts region '{region.Name}' ({CmaSize.Format(region.Size)} in {CmaSize.Format(region.Granule)} granules) "
                + $"into {seedBlocks} blocks of at most {CmaSize.Format(region.Granule << maxOrder)}; the buddy allocator holds at most "
                + $"{MaxSeedBlocks} blocks up front. Set MaxOrder to {fits} or more, or remove it to use the region's own order ({regionOrder}).");
        }
        return new BuddyAllocator(region, maxOrder, options.TrimTail, (int)seedBlocks);
    }
}
