using System.Buffers;
using System.Text;

namespace Cma.Runtime.Persistence;

/// <summary>Writes a compacted journal: the header, one owner record per owner, one allocate record per live chunk.</summary>
internal static class JournalCompaction
{
    private const int WriteBuffer = 1 << 20;

    /// <summary>Writes the journal of <paramref name="state"/> to <paramref name="path"/> (replacing it) and syncs it
    /// to the device (always: the rename that follows must not expose an unwritten file, whatever the flush policy).
    /// Writes through a pooled buffer, so a compaction allocates nothing in proportion to the live set.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="identity">The region's identity, for the header.</param>
    /// <param name="state">The live set and owners.</param>
    /// <param name="seed">The header's checksum.</param>
    /// <returns>The file's length and its record count.</returns>
    public static (long End, long Records) Write(string path, ChunkJournalIdentity identity, JournalState state, ulong seed)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(WriteBuffer);
        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            int used = JournalFormat.HeaderSize;
            JournalFormat.WriteHeader(buffer.AsSpan(0, used), identity);
            ulong sequence = 0;
            for (int id = 0; id < state.Owners.Count; id++)
            {
                JournalRecord record = JournalFormat.OwnerRecord(++sequence, id, state.Owners[id], out byte[] payload);
                used = Reserve(stream, buffer, used, JournalFormat.RecordSize + payload.Length);
                JournalFormat.Encode(buffer.AsSpan(used), record, payload, seed);
                payload.CopyTo(buffer, used + JournalFormat.RecordSize);
                used += JournalFormat.RecordSize + payload.Length;
            }
            foreach ((ulong offset, LiveChunk chunk) in state.Live)
            {
                used = Reserve(stream, buffer, used, JournalFormat.RecordSize);
                JournalFormat.Encode(buffer.AsSpan(used), new JournalRecord(++sequence, JournalRecordType.Allocate, chunk.Kind, 0, chunk.OwnerId, offset, chunk.Size, chunk.Requested), default, seed);
                used += JournalFormat.RecordSize;
            }
            stream.Write(buffer, 0, used);
            stream.Flush(flushToDisk: true);
            return (stream.Length, (long)sequence);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the buffer out if <paramref name="bytes"/> more do not fit; the bytes in use after.</summary>
    private static int Reserve(FileStream stream, byte[] buffer, int used, int bytes)
    {
        if (used + bytes <= buffer.Length)
            return used;
        stream.Write(buffer, 0, used);
        return 0;
    }
}
