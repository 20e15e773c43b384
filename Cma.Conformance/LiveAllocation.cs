namespace Cma.Conformance;

/// <summary>One live allocation in a <see cref="LiveSetModel"/>.</summary>
/// <param name="Address">The address the allocator returned.</param>
/// <param name="Size">The size that was requested.</param>
/// <param name="Reserved">What it reserves according to the allocator's traits (<see cref="CmaAllocatorTraits.ReservedBytes"/>).</param>
public readonly record struct LiveAllocation(ulong Address, ulong Size, ulong Reserved)
{
    /// <summary>One past the allocation's last byte.</summary>
    public ulong End => Address + Size;
}
