namespace Cma.Host.Workloads;

/// <summary>
/// One operation of a workload, as every reader hands it to the replay. Readers turn the trace's own ids (tokens,
/// malloc-lab ids, pointers) into dense <see cref="Slot"/> numbers that are reused after a free, so that the replay
/// keeps its per-allocation state in arrays no larger than the peak live count.
/// </summary>
/// <param name="Kind">Allocate (contiguous, movable or discardable), free, pin or unpin.</param>
/// <param name="Slot">The allocation's slot: dense, at least 0, reused after the trace frees it.</param>
/// <param name="Size">Bytes requested (allocations only; 0 for frees, pins and unpins); 0 for a zero-size request, which replays as one granule.</param>
/// <param name="Alignment">Requested alignment in bytes; 0 for the granule. Always 0 or a power of two.</param>
/// <param name="Device">The device the trace names (<c>@device</c>), or null.</param>
/// <param name="Type">The device's type (<c>@device/type</c>), or null.</param>
/// <param name="Line">The 1-based line of the trace the operation came from.</param>
internal readonly record struct TraceOp(TraceOpKind Kind, int Slot, ulong Size, ulong Alignment, string? Device, string? Type, long Line);
