using Microsoft.Extensions.Configuration;

namespace Cma.TestPlugins.Broken;

/// <summary>
/// The providers of this test plugin: a first-fit allocator with at most one <see cref="FirstFitDefect"/>. It takes
/// no settings and manages regions of up to 2^48 bytes, refusing larger ones with a <see cref="CmaSettingsException"/>.
/// </summary>
public abstract class FirstFitProvider : ICmaAllocatorProvider
{
    /// <summary>The largest region managed: 2^48 bytes (256 TiB).</summary>
    public const ulong MaxRegionSize = 1UL << 48;

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract string Description { get; }

    /// <summary>The mistake this provider's allocators make.</summary>
    protected abstract FirstFitDefect Defect { get; }

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        new CmaSettingsReader(settings).ThrowIfInvalid();
        if (region.Size > MaxRegionSize)
        {
            throw new CmaSettingsException(
                $"Region '{region.Name}' is {CmaSize.Format(region.Size)}; {Name} manages at most {CmaSize.Format(MaxRegionSize)} (2^48 bytes). Make the region smaller.");
        }
        return new FirstFitAllocator(region, MaxRegionSize, Defect);
    }
}
