using Cma.Runtime.Memory;
using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>
/// One validated region: name, absolute start (given or placed), size (a positive multiple of
/// <see cref="Granule"/>), alignment (a power of two, at least the granule, dividing <see cref="Start"/>), the
/// allocator's provider name as the catalog spells it, the <c>Settings</c> section handed to the plugin (empty
/// when absent), and the configuration field it came from (<c>Cma:Regions:2</c> or <c>Cma:CommandLine (cma=)</c>).
/// <c>Start + Size</c> does not pass 2^64 - 1. For a backed region (<see cref="Memory"/>) <see cref="Start"/> is 0: its
/// addresses are its mapping's, known only when the runtime builder maps it.
/// </summary>
internal sealed record RegionOptions(string Name, ulong Start, ulong Size, ulong Alignment, ulong Granule,
    string Allocator, IConfiguration Settings, string Field)
{
    /// <summary>The region's real-memory settings (address space only unless configured).</summary>
    public RegionMemoryOptions Memory { get; init; } = RegionMemoryOptions.AddressOnly;

    /// <summary>One past the region's last byte.</summary>
    public ulong End => Start + Size;
}
