using Cma.Runtime.Memory;
using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>
/// One region, from its reader (<c>Regions</c> or the command line's <c>cma=</c>) through placement
/// (<see cref="RegionLayout"/>) to the runtime builder: name, start, size (a positive multiple of <see cref="Granule"/>),
/// alignment (a power of two, at least the granule, dividing <see cref="Start"/>), the allocator's provider name as the
/// catalog spells it, the <c>Settings</c> section handed to the plugin (empty when absent), and the configuration
/// field it came from (<c>Cma:Regions:2</c> or <c>Cma:CommandLine (cma=)</c>).
/// Before placement <see cref="Start"/> is the configured Start, or 0 when <see cref="HasStart"/> is false ("after the
/// previous region"); after it, every region in <see cref="CmaOptions.Regions"/> has its absolute start and
/// <c>Start + Size</c> does not pass 2^64 - 1. For a backed region (<see cref="Memory"/>) <see cref="Start"/> is 0: its
/// addresses are its mapping's, known only when the runtime builder maps it.
/// </summary>
internal sealed record RegionOptions(string Name, ulong Start, ulong Size, ulong Alignment, ulong Granule,
    string Allocator, IConfiguration Settings, string Field)
{
    /// <summary>The region's real-memory settings (address space only unless configured).</summary>
    public RegionMemoryOptions Memory { get; init; } = RegionMemoryOptions.AddressOnly;

    /// <summary>Reusable-region options (<c>Reusable</c>, <c>MovableFrom</c>, <c>MigrationRetries</c>).</summary>
    public RegionMovableOptions Movable { get; init; } = RegionMovableOptions.Default;

    /// <summary>Whether the configuration gave the Start; otherwise the region is placed after the previous one.</summary>
    public bool HasStart { get; init; }

    /// <summary>The field to blame when the configured Start does not fit (<see cref="Field"/> unless more precise).</summary>
    public string StartField { get; init; } = Field;

    /// <summary>The field to blame when the placed region does not fit (<see cref="Field"/> unless more precise).</summary>
    public string SizeField { get; init; } = Field;

    /// <summary>One past the region's last byte.</summary>
    public ulong End => Start + Size;
}
