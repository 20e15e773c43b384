using System.Text;

namespace Cma.Runtime.Persistence;

/// <summary>A live chunk as the journal tracks it in memory (its offset is the key).</summary>
internal readonly record struct LiveChunk(ulong Size, ulong Requested, int OwnerId, PersistedChunkKind Kind);

/// <summary>The table a journal describes: the live chunks by offset and the owner strings by id.</summary>
internal sealed class JournalState
{
    /// <summary>The live chunks by offset.</summary>
    public Dictionary<ulong, LiveChunk> Live { get; } = [];

    /// <summary>The owner strings; an owner's id is its index.</summary>
    public List<string> Owners { get; } = [];

    /// <summary>The owner ids by string.</summary>
    public Dictionary<string, int> OwnerIds { get; } = new(StringComparer.Ordinal);

    /// <summary>The live chunks, by offset.</summary>
    public List<PersistedChunk> Snapshot()
    {
        var chunks = new List<PersistedChunk>(Live.Count);
        foreach ((ulong offset, LiveChunk chunk) in Live)
            chunks.Add(new PersistedChunk(offset, chunk.Size, chunk.Requested, Owners[chunk.OwnerId], chunk.Kind));
        chunks.Sort(static (a, b) => a.Offset.CompareTo(b.Offset));
        return chunks;
    }
}

/// <summary>Reads a journal file: checks its header against the configuration, then replays its records in order up
/// to the first one that is short, out of sequence or fails its checksum (a torn tail).</summary>
internal static class JournalReplay
{
    private const int ReadBuffer = 1 << 20;

    /// <summary>What a replay found.</summary>
    /// <param name="Records">The records replayed.</param>
    /// <param name="GoodBytes">The file's bytes up to the end of the last good record.</param>
    /// <param name="FileBytes">The file's length.</param>
    public readonly record struct Result(long Records, long GoodBytes, long FileBytes);

    /// <summary>Replays the journal at <paramref name="path"/> into <paramref name="state"/> (empty).</summary>
    /// <exception cref="CmaConfigurationException">The journal was written for another region identity.</exception>
    /// <exception cref="InvalidDataException">The header is unreadable, or a record that passes its checksum
    /// contradicts the table (a faulty writer, or an edited file).</exception>
    public static Result Replay(string path, ChunkJournalIdentity configured, JournalState state)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, ReadBuffer, FileOptions.SequentialScan);
        Span<byte> header = stackalloc byte[JournalFormat.HeaderSize];
        var read = JournalFormat.ReadHeader(header[..stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false)]);
        if (read is not { } found)
            throw new InvalidDataException($"'{path}' is not a readable Cma chunk journal (format {JournalFormat.Version}): its header is short, "
                + "of another format or corrupted. Restore it, or delete it to start the region empty (its persisted chunks are lost).");
        List<string> differences = found.Identity.Differences(configured);
        if (differences.Count > 0)
            throw Mismatch(path, differences);
        state.Live.EnsureCapacity((int)Math.Min((stream.Length - JournalFormat.HeaderSize) / JournalFormat.RecordSize, 1 << 28));
        Span<byte> block = stackalloc byte[JournalFormat.RecordSize];
        byte[] payload = new byte[JournalFormat.PayloadBlocksFor(JournalFormat.MaxOwnerNameBytes) * JournalFormat.RecordSize];
        long good = JournalFormat.HeaderSize, records = 0;
        while (stream.ReadAtLeast(block, block.Length, throwOnEndOfStream: false) == block.Length)
        {
            JournalRecord record = JournalFormat.Decode(block);
            if (record.Sequence != (ulong)records + 1)
                break;
            int payloadBytes = record.PayloadBlocks * JournalFormat.RecordSize;
            if (payloadBytes > payload.Length || stream.ReadAtLeast(payload.AsSpan(0, payloadBytes), payloadBytes, throwOnEndOfStream: false) != payloadBytes)
                break;
            if (!JournalFormat.IsSealed(block, payload.AsSpan(0, payloadBytes), found.Checksum))
                break;
            string? problem = Apply(record, payload.AsSpan(0, payloadBytes), configured.RegionSize, state);
            if (problem is not null)
                throw new InvalidDataException($"The chunk journal '{path}' is inconsistent at record {record.Sequence} (byte {good}): {problem}. "
                    + "It was written by a faulty writer or edited; delete it to start the region empty (its persisted chunks are lost).");
            good += JournalFormat.RecordSize + payloadBytes;
            records++;
        }
        return new Result(records, good, stream.Length);
    }

    /// <summary>The start-up error for a journal written under another identity: each differing field, and the fix.</summary>
    private static CmaConfigurationException Mismatch(string path, List<string> differences)
    {
        string fix = $" (the persisted chunk table '{path}' does not match the region's configuration: restore the previous "
            + "configuration, or delete that file to start the region empty, losing its persisted chunks)";
        return new CmaConfigurationException(differences.ConvertAll(difference => difference + fix));
    }

    /// <summary>Applies one sealed record; the reason it contradicts the table, or null.</summary>
    private static string? Apply(in JournalRecord record, ReadOnlySpan<byte> payload, ulong regionSize, JournalState state)
    {
        switch (record.Type)
        {
            case JournalRecordType.Allocate:
                if ((uint)record.OwnerId >= (uint)state.Owners.Count)
                    return $"owner id {record.OwnerId} was never named";
                if (JournalFormat.ChunkProblem(record.Offset, record.Size, record.Requested, regionSize) is { } problem)
                    return problem;
                if (!Enum.IsDefined(record.Kind))
                    return $"unknown chunk kind {(byte)record.Kind}";
                return state.Live.TryAdd(record.Offset, new LiveChunk(record.Size, record.Requested, record.OwnerId, record.Kind))
                    ? null : $"a chunk at offset {record.Offset} is allocated while one is live there";
            case JournalRecordType.Free:
                return state.Live.Remove(record.Offset) ? null : $"no live chunk at offset {record.Offset} to free";
            case JournalRecordType.OwnerName:
                if (record.OwnerId != state.Owners.Count || record.Offset > (ulong)payload.Length)
                    return $"owner record {record.OwnerId} is out of order or longer than its payload";
                string owner = Encoding.UTF8.GetString(payload[..(int)record.Offset]);
                if (!state.OwnerIds.TryAdd(owner, record.OwnerId))
                    return $"owner '{owner}' is named twice";
                state.Owners.Add(owner);
                return null;
            default:
                return $"unknown record type {(byte)record.Type}";
        }
    }
}
