namespace Cma.Benchmarks;

/// <summary>What a trace slot holds at run time: the address the allocator returned (0 when the slot is empty or the
/// allocation failed) and the size it was allocated with.</summary>
internal struct ChunkSlot
{
    /// <summary>The chunk's address, or 0 when the slot holds nothing.</summary>
    public ulong Address;

    /// <summary>The size the chunk was allocated with (what a raw <c>Free</c> must pass back).</summary>
    public ulong Size;
}
