using Microsoft.Extensions.Configuration;

namespace Cma.TestPlugins.Versioned;

/// <summary>
/// Provider <c>versioned</c>: a first fit with exact placement whose build (A or B, see the project files) shows in its
/// <see cref="Description"/> and in <see cref="VersionedAllocator.Build"/>, so that a hot-reload test can tell which build
/// serves a region. Setting <c>RefuseReserveInB</c> (default false): build B's instance then refuses every exact placement,
/// so that a region holding chunks cannot hot-swap to it (build A ignores it).
/// </summary>
public sealed class VersionedProvider : ICmaAllocatorProvider
{
    /// <summary>The build this assembly was compiled as.</summary>
#if VERSIONED_B
    public const string Build = "B";
#else
    public const string Build = "A";
#endif

    /// <inheritdoc/>
    public string Name => "versioned";

    /// <inheritdoc/>
    public string Description => $"First fit with exact placement, build {Build} (test plugin).";

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings)
    {
        var reader = new CmaSettingsReader(settings, "RefuseReserveInB");
        bool refuseReserve = reader.GetBoolean("RefuseReserveInB", false) && Build == "B";
        if (region.Size > VersionedAllocator.MaxRegionSize)
            reader.AddProblem($"versioned keeps a flag per granule and manages regions of at most 64M; region '{region.Name}' is {region.Size} bytes.");
        reader.ThrowIfInvalid();
        return new VersionedAllocator(region) { RefuseReserve = refuseReserve };
    }
}
