namespace Cma.Host.Workloads;

/// <summary>The first request an allocator could not place.</summary>
/// <param name="Op">The operation's number (1-based, counting allocations and frees).</param>
/// <param name="Line">The trace line it came from.</param>
/// <param name="Size">The request (rounded to the granule).</param>
/// <param name="Alignment">Its alignment.</param>
/// <param name="LiveBytes">Live bytes at that moment.</param>
/// <param name="FreeBytes">Free bytes at that moment (rounding included).</param>
/// <param name="LargestFreeBlock">The largest block allocatable at that moment.</param>
internal sealed record ReplayFailure(long Op, long Line, ulong Size, ulong Alignment, ulong LiveBytes, ulong FreeBytes, ulong LargestFreeBlock);
