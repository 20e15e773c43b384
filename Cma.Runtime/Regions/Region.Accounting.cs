namespace Cma.Runtime.Regions;

/// <summary>
/// The host's own accounting of a reusable region, checked after every operation that changes it (O(1)): the gaps and
/// the movable chunks tile the region exactly (free bytes between movable chunks equal the region size minus the movable
/// chunks' sizes), and contiguous and movable chunks together fit in it (they never overlap: every placement is checked
/// against both). (The plugin's stats are checked separately
/// against the contiguous chunks alone: it never sees a movable chunk.) A failure is a host bug; it fences the region
/// like a plugin fault, so that nothing more is handed out from a record that cannot be trusted.
/// </summary>
internal sealed partial class Region
{
    /// <summary>Checks the accounting of a reusable region (nothing for others). Caller holds <see cref="Sync"/> and no
    /// range is held. False when it failed (the region is then fenced).</summary>
    private bool CheckMovableAccounting()
    {
        if (_space is not { Reusable: true } space || State != RegionState.Active)
            return true;
        ulong free = space.Gaps!.FreeBytes, contiguous = Chunks.Bytes, movable = space.Bytes;
        if (free + movable == Info.Size && contiguous + movable <= Info.Size)
            return true;
        Fence($"the host's accounting of reusable region '{Info.Name}' does not add up: {free} bytes between movable chunks + "
            + $"{movable} in {space.Count} movable chunk(s) should be {Info.Size}, and {contiguous} in {Chunks.Count} contiguous chunk(s) "
            + "+ the movable bytes at most that (a host bug)");
        return false;
    }
}
