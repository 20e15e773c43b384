using Microsoft.Extensions.Configuration;

namespace Cma;

/// <summary>
/// One allocation algorithm, as a plugin offers it: the host finds every public non-abstract type that
/// implements this interface in a plugin assembly, creates it once with
/// <c>ActivatorUtilities</c> (so its constructor may take an <c>ILogger&lt;T&gt;</c>), and asks it for one
/// <see cref="ICmaAllocator"/> per region whose configuration names it.
/// </summary>
/// <remarks>
/// <para>Failures follow one rule. A constructor that throws is a plugin load failure: the provider does
/// not exist, and a region naming it is a configuration error. <see cref="Create"/> throwing
/// <see cref="CmaSettingsException"/> is a configuration error: the host refuses to start (exit code 2)
/// and shows the message with the region's name. <see cref="Create"/> throwing anything else fences that
/// region: the host starts, the region takes no allocations, and <c>cma info</c> shows why.</para>
/// <para>A provider may be asked to create allocators for several regions, one after another, on one thread.</para>
/// </remarks>
public interface ICmaAllocatorProvider
{
    /// <summary>The name a configuration uses to select this algorithm, e.g. <c>best-fit</c>. Lower case,
    /// letters, digits and dashes; unique among the loaded plugins.</summary>
    string Name { get; }

    /// <summary>One line that says what the algorithm is, shown by <c>cma plugins</c>.</summary>
    string Description { get; }

    /// <summary>Creates an allocator that manages the free space of <paramref name="region"/>.</summary>
    /// <param name="region">The region: its name, absolute start address, size and granule.</param>
    /// <param name="settings">The region's <c>Settings</c> section (possibly empty), which the plugin binds
    /// itself; <see cref="CmaSettingsReader"/> reads it with clear errors for unknown keys and bad values.</param>
    /// <returns>A new allocator; the whole region is free.</returns>
    /// <exception cref="CmaSettingsException">The settings are invalid, or the plugin cannot manage a region
    /// of this start or size (for example past its <see cref="CmaAllocatorTraits.MaxRegionSize"/>). The
    /// message says what is wrong and how to fix it.</exception>
    ICmaAllocator Create(CmaRegion region, IConfiguration settings);
}
