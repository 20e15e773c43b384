// Persistent chunks: the chunk table of a File or Shared region with Persist: true, kept in a journal file beside
// the backing file (ChunkJournal.PathFor: "<backing>.chunks", so /dev/shm/... for Shared).
//
// Format (JournalFormat): a 256-byte header (magic "CMACHNK1", format version, the region's identity: size, granule,
// allocator rounding and unit, allocator name; checksummed), then an append-only log of 64-byte records: Allocate
// (offset from the region's start, size, requested size, owner id, kind), Free (offset), OwnerName (id → "device/type",
// written once before the id's first use, its UTF-8 in whole 64-byte blocks after the record). Every record carries a
// sequence number (1, 2, ...) and a 64-bit checksum of its bytes, seeded with the header's checksum.
//
// Recovery rule (JournalReplay): the header must match the configured identity, else a start-up error naming each
// field that differs (never a silent reset). Records are replayed in order up to the first one that is short, out of
// sequence or fails its checksum; that one and everything after it are ignored (a torn tail: the record in flight when
// the process died). A sealed record that contradicts the table (freeing a chunk that is not live...) is an error.
// After recovery the journal is compacted (a fresh file holding just the live set, written to "<path>.tmp", synced and
// renamed over the journal), unless it already holds nothing else; it is compacted again whenever the log reaches
// CompactFactor times the live set (amortised O(1) per change).
//
// What survives: each Record* call returns only after its record was written to the file with pwrite(2) (no user-space
// buffer), so after a process crash or kill -9 at any moment the reopened table holds every allocation whose record
// call returned and no chunk whose free record call returned; the one call in flight lands either way, never half.
// OsBuffered (the default) leaves the write-back to the OS: a machine crash or power loss may lose the most recent
// changes (or, during a compaction, the journal). FlushEachChange adds fdatasync(2) per record and a directory fsync
// per compaction: every acknowledged change also survives a machine crash, at one device flush per allocate and free.
// Chunk bytes are the backing file's business: a File region's bytes survive a machine crash only if it syncs them.
//
// Threading: not thread-safe; the region calls it under its lock. Little-endian hosts (x64, arm64) only.
using Microsoft.Win32.SafeHandles;

namespace Cma.Runtime.Persistence;

/// <summary>The persisted chunk table of one region: call <see cref="Open"/> when the region opens (restore
/// <see cref="ChunkJournalRecovery.Chunks"/> into the allocator), <see cref="RecordAllocate"/> after each allocation
/// and before returning it, <see cref="RecordFree"/> on each free before returning, and <see cref="Dispose"/> at close.</summary>
internal sealed class ChunkJournal : IDisposable
{
    /// <summary>The journal is compacted when it holds this many times the records the live set needs.</summary>
    public const int CompactFactor = 4;

    /// <summary>The least live-set size the compaction threshold assumes (so an almost empty table is not rewritten
    /// every few changes).</summary>
    public const int MinCompactLive = 1024;

    private readonly JournalState _state;
    private readonly byte[] _block = new byte[JournalFormat.RecordSize];
    private readonly ulong _seed;
    private SafeFileHandle _handle;
    private long _end, _records, _compactAt;
    private bool _failed;

    private ChunkJournal(string path, ChunkJournalIdentity identity, ChunkJournalFlush flush, JournalState state, SafeFileHandle handle)
    {
        Path = path;
        Identity = identity;
        Flush = flush;
        _state = state;
        _handle = handle;
        _seed = JournalFormat.WriteHeader(stackalloc byte[JournalFormat.HeaderSize], identity);
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>The region identity the journal was opened for.</summary>
    public ChunkJournalIdentity Identity { get; }

    /// <summary>When a record reaches stable storage.</summary>
    public ChunkJournalFlush Flush { get; }

    /// <summary>The live chunks.</summary>
    public int LiveCount => _state.Live.Count;

    /// <summary>The records in the journal file (live chunks, owners, and changes since the last compaction).</summary>
    public long RecordsInFile => _records;

    /// <summary>The compactions done since open (including open's).</summary>
    public int Compactions { get; private set; }

    /// <summary>The last automatic compaction's failure (the journal stays valid and keeps appending), or null.</summary>
    public Exception? CompactionFailure { get; private set; }

    /// <summary>The journal file of a region backed by <paramref name="backingPath"/>.</summary>
    public static string PathFor(string backingPath) => backingPath + ".chunks";

    /// <summary>Opens (or creates empty) the journal at <paramref name="path"/>, recovers its live set and compacts it.</summary>
    /// <param name="path">The journal file (see <see cref="PathFor"/>); its directory must exist.</param>
    /// <param name="identity">The region's configured identity, which the journal must match.</param>
    /// <param name="flush">When records reach stable storage.</param>
    /// <param name="recovery">The chunks live at the last write, and what the replay found.</param>
    /// <exception cref="CmaConfigurationException">The journal was written for another size, granule, rounding or allocator.</exception>
    /// <exception cref="InvalidDataException">The journal's header is unreadable, or its records contradict each other.</exception>
    public static ChunkJournal Open(string path, ChunkJournalIdentity identity, ChunkJournalFlush flush, out ChunkJournalRecovery recovery)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity.AllocatorName);
        if (System.Text.Encoding.UTF8.GetByteCount(identity.AllocatorName) > JournalFormat.MaxAllocatorNameBytes)
            throw new ArgumentException($"The allocator name is longer than {JournalFormat.MaxAllocatorNameBytes} UTF-8 bytes.", nameof(identity));
        File.Delete(path + ".tmp");   // a compaction killed before its rename
        var state = new JournalState();
        bool created = !File.Exists(path);
        JournalReplay.Result replay = created ? default : JournalReplay.Replay(path, identity, state);
        bool compact = created || replay.GoodBytes != replay.FileBytes || replay.Records != state.Live.Count + state.Owners.Count;
        var journal = new ChunkJournal(path, identity, flush, state, compact ? new SafeFileHandle() : OpenForAppend(path));
        if (compact)
            journal.Compact();
        else
            journal.SetEnd(replay.GoodBytes, replay.Records);
        recovery = new ChunkJournalRecovery(state.Snapshot(), replay.Records, replay.FileBytes - replay.GoodBytes, created);
        return journal;
    }

    /// <summary>Records that a chunk became live. Returns once the record is in the file (and on the device, under
    /// <see cref="ChunkJournalFlush.FlushEachChange"/>). On an I/O exception the record may or may not have landed
    /// (as for an operation in flight at a crash) and the journal refuses further records: the caller fails the
    /// allocation and the region must be reopened to trust its table again.</summary>
    /// <param name="offset">The chunk's offset from the region's start.</param>
    /// <param name="size">The bytes it reserves.</param>
    /// <param name="requested">The bytes asked for.</param>
    /// <param name="owner">Its owner, "device/type".</param>
    /// <param name="kind">How it is held.</param>
    /// <exception cref="InvalidOperationException">A chunk is live at <paramref name="offset"/>, or the journal failed earlier.</exception>
    public void RecordAllocate(ulong offset, ulong size, ulong requested, string owner, PersistedChunkKind kind)
    {
        ThrowIfFailed();
        if (_state.Live.ContainsKey(offset))
            throw new InvalidOperationException($"The chunk journal '{Path}' already holds a live chunk at offset {offset}.");
        if (JournalFormat.ChunkProblem(offset, size, requested, Identity.RegionSize) is { } problem)
            throw new ArgumentOutOfRangeException(nameof(size), char.ToUpperInvariant(problem[0]) + problem[1..] + ".");
        int ownerId = OwnerId(owner);
        Append(new JournalRecord(NextSequence, JournalRecordType.Allocate, kind, 0, ownerId, offset, size, requested), default);
        _state.Live.Add(offset, new LiveChunk(size, requested, ownerId, kind));
        CompactIfDue();
    }

    /// <summary>Records that the chunk at <paramref name="offset"/> was freed; returns once the record is in the file
    /// (and on the device, under <see cref="ChunkJournalFlush.FlushEachChange"/>). I/O failures as for <see cref="RecordAllocate"/>.</summary>
    /// <exception cref="InvalidOperationException">No chunk is live at <paramref name="offset"/>, or the journal failed earlier.</exception>
    public void RecordFree(ulong offset)
    {
        ThrowIfFailed();
        if (!_state.Live.ContainsKey(offset))
            throw new InvalidOperationException($"The chunk journal '{Path}' holds no live chunk at offset {offset}.");
        Append(new JournalRecord(NextSequence, JournalRecordType.Free, default, 0, 0, offset, 0, 0), default);
        _state.Live.Remove(offset);
        CompactIfDue();
    }

    /// <summary>Rewrites the journal as just the live set: a fresh file, synced, renamed over the journal.</summary>
    public void Compact()
    {
        ThrowIfFailed();
        string temporary = Path + ".tmp";
        long end, records;
        try
        {
            (end, records) = JournalCompaction.Write(temporary, Identity, _state, _seed);
            File.Move(temporary, Path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        try
        {
            if (Flush == ChunkJournalFlush.FlushEachChange)
                JournalNative.SyncDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            _handle.Dispose();
            _handle = OpenForAppend(Path);
        }
        catch
        {
            _failed = true;
            throw;
        }
        SetEnd(end, records);
        Compactions++;
    }

    /// <summary>Closes the journal file; the table stays persisted.</summary>
    public void Dispose() => _handle.Dispose();

    private ulong NextSequence => (ulong)_records + 1;

    private void SetEnd(long end, long records)
    {
        _end = end;
        _records = records;
        _compactAt = CompactFactor * (long)(Math.Max(_state.Live.Count, MinCompactLive) + _state.Owners.Count);
    }

    private int OwnerId(string owner)
    {
        if (_state.OwnerIds.TryGetValue(owner, out int id))
            return id;
        if (System.Text.Encoding.UTF8.GetByteCount(owner) > JournalFormat.MaxOwnerNameBytes)
            throw new ArgumentException($"The owner '{owner}' is longer than {JournalFormat.MaxOwnerNameBytes} UTF-8 bytes.", nameof(owner));
        id = _state.Owners.Count;
        Append(JournalFormat.OwnerRecord(NextSequence, id, owner, out byte[] payload), payload);
        _state.Owners.Add(owner);
        _state.OwnerIds.Add(owner, id);
        return id;
    }

    /// <summary>Writes one record at the end of the file (pwrite: nothing stays in a user-space buffer), then
    /// fdatasync under <see cref="ChunkJournalFlush.FlushEachChange"/>.</summary>
    private void Append(in JournalRecord record, ReadOnlySpan<byte> payload)
    {
        JournalFormat.Encode(_block, record, payload, _seed);
        try
        {
            if (payload.IsEmpty)
                RandomAccess.Write(_handle, _block, _end);
            else
            {
                byte[] whole = new byte[JournalFormat.RecordSize + payload.Length];   // owner records only: rare
                _block.CopyTo(whole, 0);
                payload.CopyTo(whole.AsSpan(JournalFormat.RecordSize));
                RandomAccess.Write(_handle, whole, _end);
            }
            if (Flush == ChunkJournalFlush.FlushEachChange)
                JournalNative.SyncData(_handle);
        }
        catch
        {
            _failed = true;   // a partial record may be in the file: appending after it would hide later records
            throw;
        }
        _end += JournalFormat.RecordSize + payload.Length;
        _records++;
    }

    private void CompactIfDue()
    {
        if (_records < _compactAt)
            return;
        try
        {
            Compact();
            CompactionFailure = null;
        }
        catch (Exception failure) when (!_failed && failure is IOException or UnauthorizedAccessException)
        {
            CompactionFailure = failure;   // the old journal is intact; try again after as many records again
            _compactAt = _records * 2;
        }
    }

    private void ThrowIfFailed()
    {
        if (_failed)
            throw new InvalidOperationException($"The chunk journal '{Path}' failed to write a record earlier; reopen the region to recover it.");
    }

    private static SafeFileHandle OpenForAppend(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
}
