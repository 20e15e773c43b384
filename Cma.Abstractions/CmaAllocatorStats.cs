namespace Cma;

/// <summary>An allocator's free space at one moment.</summary>
/// <param name="FreeBytes">Bytes not reserved by live allocations, rounding included: the region size minus
/// the sum of <see cref="CmaAllocatorTraits.ReservedBytes"/> over the live allocations. Exact.</param>
/// <param name="LargestFreeBlock">The largest <c>size</c> for which <c>TryAllocate(size, granule)</c> would
/// succeed now (0 when full).</param>
/// <param name="FreeBlockCount">Free extents as the allocator keeps them (holes, free buddy blocks, zero runs).</param>
public readonly record struct CmaAllocatorStats(ulong FreeBytes, ulong LargestFreeBlock, ulong FreeBlockCount);
