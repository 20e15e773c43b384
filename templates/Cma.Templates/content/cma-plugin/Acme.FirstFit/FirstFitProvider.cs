using Cma;
using Microsoft.Extensions.Configuration;

namespace Acme.FirstFit;

/// <summary>
/// The <c>acme-first-fit</c> allocator as the Cma host finds it: a public non-abstract type implementing
/// <see cref="ICmaAllocatorProvider"/>, created once with a parameterless constructor that never throws.
/// </summary>
public sealed class FirstFitProvider : ICmaAllocatorProvider
{
    /// <summary>The largest region this allocator manages: 2^48 bytes (256 TiB).</summary>
    public const ulong MaxRegionSize = 1UL << 48;

    /// <inheritdoc/>
    public string Name => "acme-first-fit";

    /// <inheritdoc/>
    public string Description => "First fit over a sorted list of holes, exact alignment.";

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        FirstFitOptions options = FirstFitOptions.Read(settings);
        if (region.Size > MaxRegionSize)
        {
            throw new CmaSettingsException(
                $"acme-first-fit manages regions of at most {MaxRegionSize >> 40} TiB; region '{region.Name}' is {region.Size} bytes. Make it smaller or split it.");
        }
        return new FirstFitAllocator(region, options);
    }
}
