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

    /// <summary>Whether <see cref="ICmaExactPlacement.TryReserve"/> may refuse a free range it cannot represent exactly
    /// (a buddy allocator accepts only its own blocks); null for "when <see cref="CmaAllocatorTraits.Rounding"/> is
    /// <see cref="CmaRounding.PowerOfTwo"/>". When false the checks hold the allocator to exact reserves: a reserve
    /// succeeds exactly when the range is free. When true they check only that a reserve that succeeds was free and
    /// is never overlapped, and that refusals change nothing. Either way a range counts as occupied from a live
    /// allocation's address for what it reserves (<see cref="CmaAllocatorTraits.ReservedBytes"/>).</summary>
    public bool? ReserveMayRefuseFreeRanges { get; init; }

    /// <summary>Whether the checks accept refusals of free ranges from an allocator with <paramref name="traits"/>
    /// (effective traits): <see cref="ReserveMayRefuseFreeRanges"/>, or its default.</summary>
    /// <param name="traits">The traits the allocator is held to.</param>
    /// <returns>True when a reserve of a free range may be refused.</returns>
    public bool ReserveMayRefuse(CmaAllocatorTraits traits) => ReserveMayRefuseFreeRanges ?? traits.Rounding == CmaRounding.PowerOfTwo;

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
