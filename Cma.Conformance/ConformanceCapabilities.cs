namespace Cma.Conformance;

/// <summary>
/// Where allocators legitimately differ, what the checks expect. Every value defaults (when null) to what the
/// allocator's own <see cref="ICmaAllocator.Traits"/> declare, so the kit runs on a plugin nobody wrote a test
/// class for; a test class may override a value to state (and so check) what its plugin does, or to test a
/// smaller largest region than the plugin supports.
/// </summary>
public sealed record ConformanceCapabilities
{
    /// <summary>Capabilities read entirely from each allocator's <see cref="ICmaAllocator.Traits"/>.</summary>
    public static ConformanceCapabilities FromTraits { get; } = new();

    /// <summary>How a request is rounded; null for <see cref="CmaAllocatorTraits.Rounding"/>.</summary>
    public CmaRounding? Rounding { get; init; }

    /// <summary>The rounding unit in bytes; null for <see cref="CmaAllocatorTraits.Unit"/>.</summary>
    public ulong? RoundingUnit { get; init; }

    /// <summary>The largest region the checks create; null for <see cref="CmaAllocatorTraits.MaxRegionSize"/>
    /// (capped at 2^48 bytes). A region just past the allocator's declared maximum is still expected to be
    /// refused.</summary>
    public ulong? MaxRegionSize { get; init; }

    /// <summary>Whether freeing everything leaves one free block covering the region; null for
    /// <see cref="CmaAllocatorTraits.FreeAllLeavesOneBlock"/> of the allocator of that region.</summary>
    public bool? FreeAllLeavesOneBlock { get; init; }

    /// <summary>The traits the checks hold an allocator to: its declared traits with these overrides applied.</summary>
    /// <param name="declared">The allocator's <see cref="ICmaAllocator.Traits"/>.</param>
    /// <returns>The effective traits.</returns>
    public CmaAllocatorTraits Apply(CmaAllocatorTraits declared) =>
        new(
            Rounding ?? declared.Rounding,
            RoundingUnit ?? declared.Unit,
            MaxRegionSize ?? declared.MaxRegionSize,
            FreeAllLeavesOneBlock ?? declared.FreeAllLeavesOneBlock);
}
