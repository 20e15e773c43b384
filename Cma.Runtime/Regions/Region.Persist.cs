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

    /// <summary>Places every persisted chunk back at its address — through <see cref="TryRestore"/>, the restore of a
    /// saved state: into the registry, then a fresh instance of the allocator reserves each one and its stats are checked
    /// — keeping the chunks' bytes. Null, or why not (the region is then as it was; an allocator that misreported its
    /// state is fenced).</summary>
    private string? Restore(IReadOnlyList<PersistedChunk> chunks, string path)
    {
        if (chunks.Count == 0)
            return null;
        string fix = $"Restore the configuration it was written with, or delete {path} (and the region's chunks are forgotten).";
        var states = new List<CmaChunkState>(chunks.Count);
        foreach (PersistedChunk c in chunks)
        {
            if (c.Kind != PersistedChunkKind.Contiguous)
                return $"persisted chunk at offset 0x{c.Offset:X} (owner '{c.Owner}') cannot be restored: it is a movable chunk (not persisted by this version). {fix}";
            states.Add(new CmaChunkState { Address = Info.Start + c.Offset, Size = c.Size, Requested = c.Requested, Owner = c.Owner, Kind = CmaChunkKind.Contiguous });
        }
        long faults = FaultCount;
        if (TryRestore(states, 0, out string? reason, prepareBytes: false))
            return null;
        if (FaultCount == faults)
            return $"its persisted chunks cannot be restored: {reason}. {fix}";
        Fence($"{AllocatorName} holding the {chunks.Count} restored chunk(s): {reason}", countFault: false);   // counted by the swap
        return $"{AllocatorName} misreported its state after the persisted chunks were restored ({reason}); the region is fenced.";
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
