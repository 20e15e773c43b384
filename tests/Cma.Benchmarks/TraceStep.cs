namespace Cma.Benchmarks;

/// <summary>
/// One pre-generated operation of a benchmark trace: allocate <see cref="Size"/> bytes at <see cref="Alignment"/> into
/// slot <see cref="Slot"/>, or (when <see cref="Alignment"/> is 0) free the chunk held in that slot. Slots map to the
/// addresses the allocator returned at run time, so a trace can be replayed against any allocator.
/// </summary>
internal readonly struct TraceStep(int slot, ulong size, ulong alignment)
{
    /// <summary>The slot the operation fills or empties.</summary>
    public readonly int Slot = slot;

    /// <summary>The request size (a multiple of the granule); for a free, the size the slot was allocated with.</summary>
    public readonly ulong Size = size;

    /// <summary>The requested alignment; 0 marks a free.</summary>
    public readonly ulong Alignment = alignment;

    /// <summary>Whether the step frees its slot.</summary>
    public bool IsFree => Alignment == 0;
}
