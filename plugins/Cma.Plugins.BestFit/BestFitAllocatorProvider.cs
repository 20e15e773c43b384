using Microsoft.Extensions.Configuration;

namespace Cma.Plugins.BestFit;

/// <summary>
/// The <c>best-fit</c> allocator: the RFC's best fit, which places a request in the smallest hole that can hold
/// it at an aligned address. Takes no settings; manages regions of any size at a cost that depends only on the
/// number of holes.
/// </summary>
public sealed class BestFitAllocatorProvider : ICmaAllocatorProvider
{
    /// <inheritdoc/>
    public string Name => "best-fit";

    /// <inheritdoc/>
    public string Description => "The RFC's best fit: the smallest hole that holds the aligned request; O(log n) in holes, any region size.";

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (region.Granule == 0)
            throw new ArgumentException("The region is uninitialised (granule 0).", nameof(region));
        BestFitOptions.Read(settings);
        return new BestFitAllocator(region);
    }
}
