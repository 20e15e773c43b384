namespace Cma.Benchmarks;

/// <summary>
/// The harness floor: an "allocator" that keeps no state (each allocation gets the next granule-aligned address, frees
/// do nothing). Replaying a trace against it costs only what the measuring loop itself does — reading the trace and
/// the caller's slot of each chunk — so subtracting it from a real allocator's figure leaves the allocator's own cost.
/// At 1M live chunks the slot array (16 MiB) no longer fits in cache, so the floor grows with the live count too.
/// </summary>
internal sealed class FloorAllocator(CmaRegion region) : ICmaAllocator
{
    /// <summary>The next address handed out.</summary>
    private ulong _next = region.Start;

    /// <inheritdoc/>
    public CmaAllocatorTraits Traits { get; } = CmaAllocatorTraits.Exact(region.Granule);

    /// <inheritdoc/>
    public CmaAllocatorStats Stats => new(region.Size, region.Size, 1);

    /// <inheritdoc/>
    public bool TryAllocate(ulong size, ulong alignment, out ulong address)
    {
        address = _next;
        _next = region.Start + ((_next + region.Granule - region.Start) & (region.Size - 1));
        return true;
    }

    /// <inheritdoc/>
    public void Free(ulong address, ulong size)
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
