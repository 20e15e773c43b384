using Cma.Runtime.Persistence;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime.Regions;

/// <summary>
/// Persistent chunks (<c>Persist: true</c>, File and Shared regions): the region's contiguous chunks are written to a
/// <see cref="ChunkJournal"/> beside the backing file — each allocation after the plugin placed it and before the call
/// returns, each free before the call returns — and restored at open into a fresh allocator with exact placement
/// (<see cref="ICmaExactPlacement"/>), checked like a swap. A failure to write the journal undoes the allocation and
/// fences the region (a record the next start cannot trust is worse than a refused request).
/// Concurrency: callers hold <see cref="Sync"/>.
/// </summary>
internal sealed partial class Region
{
    /// <summary>The persisted chunk table, or null when the region does not persist.</summary>
    public ChunkJournal? Journal { get; private set; }

    /// <summary>Chunks restored from the journal when the region opened.</summary>
    public int RestoredChunks { get; private set; }

    /// <summary>Opens the region's journal (the allocator exists and is active) and restores its chunks; null, or the
    /// problem to report at start (the region is then left empty and the journal closed).</summary>
    public string? OpenJournal(string path, bool flushEachChange)
    {
        var identity = ChunkJournalIdentity.For(Info.Size, Info.Granule, Traits, AllocatorName);
        ChunkJournal journal;
        ChunkJournalRecovery recovery;
        try
        {
            journal = ChunkJournal.Open(path, identity, flushEachChange ? ChunkJournalFlush.FlushEachChange : ChunkJournalFlush.OsBuffered, out recovery);
        }
        catch (CmaConfigurationException e)
        {
            return $"its persisted chunk table {path} was written for another configuration: {string.Join("; ", e.Problems)}";
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return $"its persisted chunk table {path} cannot be read: {e.Message} Delete the file to start the region empty (its chunks are then forgotten).";
        }
        if (recovery.BytesDiscarded > 0)
            _logger.LogWarning("Region {Region}: {Bytes} byte(s) at the end of {Path} were an unfinished record (a crash mid-write) and were ignored.", Info.Name, recovery.BytesDiscarded, path);
        string? problem = Restore(recovery.Chunks, path);
        if (problem is not null)
        {
            journal.Dispose();
            return problem;
        }
        Journal = journal;
        RestoredChunks = recovery.Chunks.Count;
        if (RestoredChunks > 0)
            _logger.LogInformation("Region {Region}: restored {Chunks} persisted chunk(s) from {Path}.", Info.Name, RestoredChunks, path);
        return null;
    }

    /// <summary>Places every persisted chunk in the (empty, active) allocator at its address and records it; null, or
    /// why one could not be (the region is then emptied again).</summary>
    private string? Restore(IReadOnlyList<PersistedChunk> chunks, string path)
    {
        if (chunks.Count == 0)
            return null;
        string fix = $"Restore the configuration it was written with, or delete {path} (and the region's chunks are forgotten).";
        if (Allocator is not ICmaExactPlacement exact)
            return $"it has {chunks.Count} persisted chunk(s), but {AllocatorName} cannot place a chunk at a given address (ICmaExactPlacement, contract 1.1). {fix}";
        AllocatorGuard guard = _guard!;
        foreach (PersistedChunk c in chunks)
        {
            ulong at = Info.Start + c.Offset;
            string? why = c.Kind != PersistedChunkKind.Contiguous ? "it is a movable chunk (not persisted by this version)"
                : c.Size == 0 || c.Size % Info.Granule != 0 || c.Offset % Info.Granule != 0 || !Info.Contains(at, c.Size) ? "it is not a granule-aligned range inside the region"
                : c.Requested > c.Size ? "its requested size exceeds its size"
                : null;
            if (why is null)
                why = ReserveRestored(exact, guard, at, c);
            if (why is not null)
            {
                ForgetRestored();
                return $"persisted chunk 0x{at:X}+{c.Size} (owner '{c.Owner}') cannot be restored: {why}. {fix}";
            }
        }
        CmaAllocatorStats stats = ReadStatsInPlugin(guard, out Exception? fault);
        if (!_reentered && StatsHold(guard, stats, fault))
            return null;
        string what = _reentered ? "Stats called back into the host" : guard.StatsFault(stats, fault) ?? "stats failed a check";
        Fence($"{AllocatorName} holding the {chunks.Count} restored chunk(s): {what}");
        return $"{AllocatorName} misreported its state after the persisted chunks were restored ({what}); the region is fenced.";
    }

    /// <summary>Reserves and records one restored chunk; null, or why not.</summary>
    private string? ReserveRestored(ICmaExactPlacement exact, AllocatorGuard guard, ulong at, in PersistedChunk c)
    {
        int slash = c.Owner.IndexOf('/', StringComparison.Ordinal);
        int owner = c.Owner.Length == 0 ? 0 : slash < 0 ? OwnerIndex(c.Owner, "") : OwnerIndex(c.Owner[..slash], c.Owner[(slash + 1)..]);
        if (Chunks.Overlaps(at, c.Size))
            return "it overlaps another persisted chunk";
        bool placed;
        try
        {
            using PluginCallScope call = PluginCallScope.Enter(this);
            placed = exact.TryReserve(at, c.Size);
        }
        catch (Exception e)
        {
            return $"{AllocatorName}'s TryReserve threw {e.GetType().Name}: {e.Message}";
        }
        if (_reentered)
            return $"{AllocatorName}'s TryReserve called back into the host";
        if (!placed)
            return $"{AllocatorName} refused it at its address (its rounding cannot represent that range exactly)";
        bool recorded = guard.TryRecord(at, new ChunkEntry(c.Size, c.Requested, owner));
        return recorded ? null : "it overlaps another persisted chunk";
    }

    /// <summary>Forgets the chunks restored so far (a restore that failed part-way), returning them to the plugin.</summary>
    private void ForgetRestored()
    {
        var starts = new List<ulong>((int)Chunks.Count);
        Chunks.ForEach((start, _) => starts.Add(start));
        foreach (ulong start in starts)
            ReleaseHold(start);
    }

    /// <summary>Records an allocation in the journal; false (the allocation undone, the region fenced) when writing failed.</summary>
    private bool JournalAllocate(ChunkJournal journal, ulong address, ulong size, ulong requested, int owner)
    {
        try
        {
            journal.RecordAllocate(address - Info.Start, size, requested, OwnerName(owner), PersistedChunkKind.Contiguous);
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            ReleaseHold(address);
            Fence($"writing the persisted chunk table failed: {e.Message}", countFault: false);
            return false;
        }
    }

    /// <summary>Records a free in the journal; a failure fences the region (the chunk is freed all the same).</summary>
    private void JournalFree(ChunkJournal journal, ulong address)
    {
        try
        {
            journal.RecordFree(address - Info.Start);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            Fence($"writing the persisted chunk table failed: {e.Message}", countFault: false);
        }
    }
}
