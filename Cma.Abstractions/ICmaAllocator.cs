namespace Cma;

/// <summary>
/// The free-space manager of one region. The host owns the chunks (it records every live allocation);
/// the allocator owns only the free space and decides where a request is placed.
/// </summary>
/// <remarks>
/// <para><b>What the host guarantees</b> (preconditions; an allocator may <c>Debug.Assert</c> them):</para>
/// <list type="bullet">
/// <item><c>size</c> is greater than zero and a multiple of the region's granule;</item>
/// <item><c>alignment</c> is a power of two, at least the granule; it may exceed <c>size</c> ("1M alignment of
/// a 64K buffer"); it is the alignment of the absolute address, not of the offset in the region;</item>
/// <item><see cref="Free"/> is called only with the exact address and size of a live allocation of this
/// allocator, once;</item>
/// <item>calls to one instance never overlap (the host holds the region's lock): an allocator need not be
/// thread-safe.</item>
/// </list>
/// <para><b>What an allocator guarantees</b> (postconditions; the host verifies them after every call, and
/// the conformance kit tests them):</para>
/// <list type="bullet">
/// <item>a returned range <c>[address, address + size)</c> lies inside the region, is aligned, and overlaps no
/// live allocation;</item>
/// <item><see cref="TryAllocate"/> returns <see langword="false"/> only when it cannot place the request, and
/// never throws for "full";</item>
/// <item>after a free the space is reusable; after all frees <see cref="CmaAllocatorStats.FreeBytes"/> equals
/// the region size, and the region is one free block where <see cref="CmaAllocatorTraits.FreeAllLeavesOneBlock"/>
/// says so;</item>
/// <item><see cref="Stats"/> is exact: <c>FreeBytes</c> is the region size minus what the live allocations
/// reserve according to <see cref="Traits"/>.</item>
/// </list>
/// <para>A plugin that breaks a postcondition, throws, or calls back into the host from inside a call has its
/// region fenced by the host; its bad result never reaches a caller.</para>
/// </remarks>
public interface ICmaAllocator : IDisposable
{
    /// <summary>Places a request of <paramref name="size"/> bytes at an address that is a multiple of
    /// <paramref name="alignment"/>.</summary>
    /// <param name="size">Bytes wanted; positive, a multiple of the granule.</param>
    /// <param name="alignment">Required alignment of the absolute address; a power of two, at least the granule.</param>
    /// <param name="address">The start of the placed range when the method returns <see langword="true"/>; 0 otherwise.</param>
    /// <returns><see langword="true"/> if the request was placed; <see langword="false"/> if it cannot be placed now.</returns>
    bool TryAllocate(ulong size, ulong alignment, out ulong address);

    /// <summary>Returns a live allocation's space to the free space.</summary>
    /// <param name="address">The address <see cref="TryAllocate"/> returned.</param>
    /// <param name="size">The size that was asked for (not the rounded size).</param>
    void Free(ulong address, ulong size);

    /// <summary>The free space now. Cheap: O(1) or O(log n); the host reads it after every operation.</summary>
    CmaAllocatorStats Stats { get; }

    /// <summary>How this allocator rounds requests, the largest region it supports, and whether freeing
    /// everything leaves one free block. Constant for the allocator's lifetime.</summary>
    CmaAllocatorTraits Traits { get; }
}
