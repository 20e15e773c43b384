namespace Cma.Runtime.Regions;

/// <summary>
/// The host's own accounting of a reusable region, checked after every operation that changes it (O(1)): the free
/// gaps, the contiguous chunks and the movable chunks tile the region exactly — free bytes in the gaps equal the region
/// size minus the contiguous chunks' sizes minus the movable chunks' sizes. (The plugin's stats are checked separately
/// against the contiguous chunks alone: it never sees a movable chunk.) A failure is a host bug; it fences the region
/// like a plugin fault, so that nothing more is handed out from a record that cannot be trusted.
/// </summary>
internal sealed partial class Region
{
    /// <summary>Checks the accounting of a reusable region (nothing for others). Caller holds <see cref="Sync"/> and no
    /// range is held. False when it failed (the region is then fenced).</summary>
    private bool CheckMovableAccounting()
    {
        if (_space is not { Reusable: true } space || State != RegionState.Active || space.GapsStale)
            return true;
        ulong free = space.Gaps!.FreeBytes, contiguous = Chunks.Bytes, movable = space.Bytes;
        if (free + contiguous + movable == Info.Size && contiguous <= Info.Size && movable <= Info.Size)
            return true;
        Fence($"the host's accounting of reusable region '{Info.Name}' does not add up: {free} free bytes in its gaps + "
            + $"{contiguous} in {Chunks.Count} contiguous chunk(s) + {movable} in {space.Count} movable chunk(s) != {Info.Size} (a host bug)");
        return false;
    }
}
