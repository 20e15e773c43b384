using Microsoft.Extensions.Configuration;

namespace Cma.Samples.NextFit;

/// <summary>
/// The <c>next-fit</c> allocator, as the host finds it: a public non-abstract type implementing
/// <see cref="ICmaAllocatorProvider"/>, created once with a parameterless constructor that never throws.
/// </summary>
public sealed class NextFitProvider : ICmaAllocatorProvider
{
    /// <summary>The largest region this allocator manages: 2^48 bytes (256 TiB).</summary>
    public const ulong MaxRegionSize = 1UL << 48;

    /// <inheritdoc/>
    public string Name => "next-fit";

    /// <inheritdoc/>
    public string Description => "Next fit over a sorted list of holes: each search starts where the last allocation ended (sample third-party plugin).";

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        NextFitOptions options = NextFitOptions.Read(settings);
        if (region.Size > MaxRegionSize)
        {
            throw new CmaSettingsException(
                $"next-fit manages regions of at most {MaxRegionSize >> 40} TiB; region '{region.Name}' is {region.Size} bytes. Make it smaller or split it.");
        }
        return new NextFitAllocator(region, options);
    }
}
