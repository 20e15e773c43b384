using System.Numerics;
using Microsoft.Extensions.Configuration;

namespace Cma.Plugins.Bitmap;

/// <summary>
/// The <c>bitmap</c> allocator: bootmem / mainline-CMA style, one bit per 2^OrderPerBit granules, aligned
/// first, next or best fit over zero runs, with a summary tree so that searches do not walk bit by bit.
/// </summary>
public sealed class BitmapAllocatorProvider : ICmaAllocatorProvider
{
    /// <inheritdoc/>
    public string Name => "bitmap";

    /// <inheritdoc/>
    public string Description => "Bitmap (bootmem / mainline CMA): one bit per 2^OrderPerBit granules, aligned first/next/best fit over zero runs.";

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        CmaSettingsReader reader = BitmapOptions.Reader(settings);
        BitmapOptions options = BitmapOptions.Read(reader);
        if (reader.Problems.Count == 0)
            CheckRegion(region, options, reader);
        reader.ThrowIfInvalid();
        return new BitmapAllocator(region, options);
    }

    /// <summary>Records why <paramref name="region"/> cannot be managed with <paramref name="options"/>, if it cannot:
    /// the unit must fit 64 bits, divide the region's start and size, and the region must fit 2^31 bits.</summary>
    private static void CheckRegion(CmaRegion region, BitmapOptions options, CmaSettingsReader reader)
    {
        int order = options.OrderPerBit;
        int unitShift = BitOperations.Log2(region.Granule) + order;
        if (unitShift > 63)
        {
            reader.AddProblem($"OrderPerBit {order} makes one bit cover granule {CmaSize.Format(region.Granule)} × 2^{order} bytes, more than 2^63; lower OrderPerBit.");
            return;
        }
        ulong unit = 1UL << unitShift;
        string unitText = order == 0 ? $"{CmaSize.Format(unit)} (one granule)" : $"{CmaSize.Format(unit)} (granule {CmaSize.Format(region.Granule)} × 2^{order})";
        if (region.Size % unit != 0)
            reader.AddProblem($"the region's size {CmaSize.Format(region.Size)} is not a multiple of one bit's worth, {unitText}, as mainline CMA requires; make Size a multiple of {CmaSize.Format(unit)} or lower OrderPerBit.");
        if (region.Start % unit != 0)
            reader.AddProblem($"the region's start 0x{region.Start:X} is not a multiple of one bit's worth, {unitText}, so bits would not start on aligned addresses; give the region a Start or Alignment that is a multiple of {CmaSize.Format(unit)}, or lower OrderPerBit.");
        ulong max = BitmapAllocator.MaxRegionSize(unit);
        if (region.Size > max)
        {
            int needed = unitShift + 64 - BitOperations.LeadingZeroCount((region.Size - 1) >> (unitShift + 31)) - BitOperations.Log2(region.Granule);
            string fix = needed <= BitmapOptions.MaxOrderPerBit ? $"raise OrderPerBit to at least {needed}" : "split it into smaller regions";
            reader.AddProblem($"the region's size {CmaSize.Format(region.Size)} needs more than the bitmap's maximum of 2^31 bits ({CmaSize.Format(max)} at OrderPerBit {order}); {fix}.");
        }
    }
}
