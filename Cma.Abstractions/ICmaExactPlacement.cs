namespace Cma;

/// <summary>
/// An optional capability of an allocator (contract 1.1): place a range at exactly a given address, if it is free.
/// An <see cref="ICmaAllocator"/> may also implement this interface; the host detects it with a type test. The host
/// uses it to rebuild a live set in a new allocator instance (swapping a non-empty region's allocator or settings,
/// restoring persisted chunks); an allocator without it keeps working, only those operations are not offered for
/// its regions.
/// </summary>
/// <remarks>
/// <para><b>What the host guarantees</b> (preconditions; an allocator may <c>Debug.Assert</c> them), as for
/// <see cref="ICmaAllocator.TryAllocate"/>:</para>
/// <list type="bullet">
/// <item><c>size</c> is greater than zero and a multiple of the region's granule; <c>address</c> is a multiple of the
/// granule;</item>
/// <item><c>[address, address + size)</c> lies inside the region;</item>
/// <item>calls never overlap with each other or with the other calls on the same instance.</item>
/// </list>
/// <para><b>What an allocator guarantees</b> (the host verifies it; the conformance kit tests it):</para>
/// <list type="bullet">
/// <item>it returns <see langword="true"/> only if every byte of <c>[address, address + size)</c> was free in the
/// allocator; the range is then allocated exactly there, as if <see cref="ICmaAllocator.TryAllocate"/> had placed a
/// request of <c>size</c> bytes at <c>address</c>: it reserves <see cref="CmaAllocatorTraits.ReservedBytes"/> of
/// <c>size</c> (so <see cref="CmaAllocatorStats.FreeBytes"/> drops by exactly that), overlaps nothing live, and is
/// later freed with <see cref="ICmaAllocator.Free"/><c>(address, size)</c> like any allocation;</item>
/// <item>otherwise it returns <see langword="false"/> and changes nothing (stats and every later result are as if the
/// call had not been made). An allocator may refuse a free range it cannot represent exactly (a buddy allocator
/// refuses a range that is not one of its blocks); it says so in its documentation;</item>
/// <item>it never throws for an occupied or unrepresentable range.</item>
/// </list>
/// </remarks>
public interface ICmaExactPlacement
{
    /// <summary>Allocates <c>[address, address + size)</c> exactly there if all of it is free; otherwise changes
    /// nothing.</summary>
    /// <param name="address">The range's start; a multiple of the granule, inside the region.</param>
    /// <param name="size">The range's length; positive, a multiple of the granule; the range ends inside the region.</param>
    /// <returns><see langword="true"/> if the range is now allocated (free it with
    /// <see cref="ICmaAllocator.Free"/><c>(address, size)</c>); <see langword="false"/> if any of it was not free, or
    /// the allocator cannot represent it exactly, in which case nothing changed.</returns>
    bool TryReserve(ulong address, ulong size);
}
