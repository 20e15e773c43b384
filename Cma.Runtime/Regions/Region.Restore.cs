namespace Cma.Runtime.Regions;

/// <summary>
/// Restoring a saved state (<see cref="CmaState"/>) into an empty region: every chunk is placed at its exact address the
/// way a live swap rebuilds a live set (Region.Swap.cs) — the chunks are checked like a plugin result (inside the
/// region, aligned to the granule, a whole number of granules, no overlap with each other), entered in the region's
/// registry with their owners and requested sizes, and a fresh instance of the region's allocator (same plugin, same
/// settings) reserves each one (<see cref="ICmaExactPlacement"/>), after which its stats must be exact. Only then does it
/// replace the old instance. On any failure the registry is emptied again, the fresh instance disposed, and the region
/// is as it was; the reason names the chunk. Movable and discardable chunks are restored as contiguous placements
/// (the allocator holds them; they no longer move) and pins are not restored (nobody holds them): a restore rebuilds
/// fragmentation, not the movable machinery.
/// </summary>
internal sealed partial class Region
{
    /// <summary>Restores <paramref name="chunks"/> (in any order) into this empty region, each at its address plus
    /// <paramref name="rebase"/> (the difference of the region's starts, for backed regions whose mapping moved). With
    /// <paramref name="prepareBytes"/> a backed region prepares the restored chunks' bytes as new ones (a replay's fresh
    /// mapping); without, their bytes are kept (a persisted region reopening over its own file).
    /// Caller holds <see cref="Sync"/>. False, with the reason, when nothing changed.</summary>
    public bool TryRestore(IReadOnlyList<CmaChunkState> chunks, ulong rebase, out string? reason, bool prepareBytes = true)
    {
        reason = RestoreRefusal(chunks.Count);
        if (reason is not null)
            return false;
        if (chunks.Count == 0)
            return true;
        var entered = new List<ulong>(chunks.Count);
        reason = EnterChunks(chunks, rebase, entered);
        if (reason is null && !TrySwapAllocator(AllocatorName, Provider!, Settings, out string? refused))
            reason = $"restoring {chunks.Count} chunk(s) into region '{Info.Name}' failed: {refused}";
        if (reason is not null)
        {
            foreach (ulong start in entered)
                Chunks.Remove(start, out _);
            return false;
        }
        if (prepareBytes && Memory is { } memory)
            Chunks.ForEach((start, entry) => memory.Prepare(start, entry.Requested, entry.Size));
        return true;
    }

    /// <summary>Why this region cannot take a restore now (fenced, not empty, no plugin, or one without exact
    /// placement), or null.</summary>
    private string? RestoreRefusal(int count)
    {
        if (State != RegionState.Active)
            return $"region '{Info.Name}' is fenced ({FenceReason}); a state is restored into an active region only";
        if (Chunks.Count != 0 || (_space?.Count ?? 0) != 0)
            return $"region '{Info.Name}' holds {Chunks.Count + (_space?.HostPlacedCount ?? 0)} chunk(s); a state is restored into an empty region only";
        if (count == 0)
            return null;
        if (Provider is null || _guard is null)
            return $"region '{Info.Name}' has no allocator ({AllocatorName} did not load)";
        if (_guard.Allocator is not ICmaExactPlacement)
        {
            return $"region '{Info.Name}' uses {AllocatorName}, which cannot place a chunk at a given address (it does not implement "
                + "ICmaExactPlacement, contract 1.1), so its chunks cannot be restored; configure an allocator that can";
        }
        return null;
    }

    /// <summary>Checks each chunk like a plugin result and enters it in the registry (its start added to
    /// <paramref name="entered"/>): null, or why one could not be (the ones entered so far stay, for the caller to remove).</summary>
    private string? EnterChunks(IReadOnlyList<CmaChunkState> chunks, ulong rebase, List<ulong> entered)
    {
        ulong mask = Info.Granule - 1;
        foreach (CmaChunkState chunk in chunks)
        {
            ulong at = chunk.Address + rebase;
            string what = $"chunk 0x{chunk.Address:X}+{chunk.Size} (owner '{chunk.Owner}')";
            if (chunk.Size == 0 || !Info.Contains(at, chunk.Size))
                return $"{what} is not inside region '{Info.Name}' [0x{Info.Start:X}, 0x{Info.End:X})";
            if ((at & mask) != 0 || (chunk.Size & mask) != 0)
                return $"{what} is not aligned to region '{Info.Name}''s granule ({Info.Granule})";
            if (chunk.Requested > chunk.Size)
                return $"{what} asks for {chunk.Requested} bytes, more than its size";
            int slash = chunk.Owner.IndexOf('/', StringComparison.Ordinal);
            int owner = slash < 0 ? OwnerIndex(chunk.Owner, "") : OwnerIndex(chunk.Owner[..slash], chunk.Owner[(slash + 1)..]);
            if (!Chunks.TryInsert(at, new ChunkEntry(chunk.Size, chunk.Requested, owner)))
                return $"{what} overlaps another chunk of the state in region '{Info.Name}'";
            entered.Add(at);
        }
        return null;
    }
}
