using System.Text;

namespace Cma.Runtime.Persistence;

/// <summary>Writes a compacted journal: the header, one owner record per owner, one allocate record per live chunk.</summary>
internal static class JournalCompaction
{
    private const int WriteBuffer = 1 << 20;

    /// <summary>Writes the journal of <paramref name="state"/> to <paramref name="path"/> (replacing it) and syncs it
    /// to the device (always: the rename that follows must not expose an unwritten file, whatever the flush policy).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="identity">The region's identity, for the header.</param>
    /// <param name="state">The live set and owners.</param>
    /// <param name="block">A 64-byte scratch buffer.</param>
    /// <param name="seed">The header's checksum.</param>
    /// <returns>The file's length and its record count.</returns>
    public static (long End, long Records) Write(string path, ChunkJournalIdentity identity, JournalState state, byte[] block, ulong seed)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, WriteBuffer);
        Span<byte> header = stackalloc byte[JournalFormat.HeaderSize];
        JournalFormat.WriteHeader(header, identity);
        stream.Write(header);
        ulong sequence = 0;
        for (int id = 0; id < state.Owners.Count; id++)
        {
            byte[] name = Encoding.UTF8.GetBytes(state.Owners[id]);
            byte[] payload = new byte[JournalFormat.PayloadBlocksFor(name.Length) * JournalFormat.RecordSize];
            name.CopyTo(payload, 0);
            var record = new JournalRecord(++sequence, JournalRecordType.OwnerName, default, (ushort)(payload.Length / JournalFormat.RecordSize), id, (ulong)name.Length, 0, 0);
            JournalFormat.Encode(block, record, payload, seed);
            stream.Write(block);
            stream.Write(payload);
        }
        foreach ((ulong offset, LiveChunk chunk) in state.Live)
        {
            JournalFormat.Encode(block, new JournalRecord(++sequence, JournalRecordType.Allocate, chunk.Kind, 0, chunk.OwnerId, offset, chunk.Size, chunk.Requested), default, seed);
            stream.Write(block);
        }
        stream.Flush(flushToDisk: true);
        return (stream.Length, (long)sequence);
    }
}
