using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Cma.Runtime.Persistence;

/// <summary>The kinds of journal record (byte 8 of a record).</summary>
internal enum JournalRecordType : byte
{
    /// <summary>A chunk became live.</summary>
    Allocate = 1,

    /// <summary>A live chunk was freed.</summary>
    Free = 2,

    /// <summary>An owner id was bound to its "device/type" string (followed by payload blocks holding the UTF-8).</summary>
    OwnerName = 3,
}

/// <summary>One decoded fixed-size record. For <see cref="JournalRecordType.OwnerName"/>, <see cref="Offset"/> is the
/// name's byte length and <see cref="PayloadBlocks"/> the 64-byte blocks that follow.</summary>
internal readonly record struct JournalRecord(
    ulong Sequence, JournalRecordType Type, PersistedChunkKind Kind, ushort PayloadBlocks, int OwnerId, ulong Offset, ulong Size, ulong Requested);

/// <summary>
/// The byte layout of a chunk journal (little-endian). Header, 256 bytes: magic "CMACHNK1" (8), version u32, header
/// size u32, region size u64 @16, granule u64 @24, rounding u32 @32, allocator-name length u32 @36, rounding unit u64
/// @40, allocator name UTF-8 @48 (≤ 200 bytes), checksum u64 @248 of bytes 0–247. Record, 64 bytes: sequence u64 @0,
/// type u8 @8, kind u8 @9, payload blocks u16 @10, owner id u32 @12, offset u64 @16, size u64 @24, requested u64 @32,
/// zero @40–55, checksum u64 @56 of bytes 0–55 and the payload blocks, seeded with the header's checksum.
/// </summary>
internal static class JournalFormat
{
    /// <summary>The record naming owner <paramref name="id"/>, and in <paramref name="payload"/> its UTF-8 name padded to
    /// whole record blocks: what the writer appends and compaction rewrites.</summary>
    public static JournalRecord OwnerRecord(ulong sequence, int id, string name, out byte[] payload)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(name);
        payload = new byte[PayloadBlocksFor(bytes.Length) * RecordSize];
        bytes.CopyTo(payload, 0);
        return new JournalRecord(sequence, JournalRecordType.OwnerName, default, (ushort)(payload.Length / RecordSize), id, (ulong)bytes.Length, 0, 0);
    }

    /// <summary>Why a chunk record cannot describe a chunk of a region of <paramref name="regionSize"/> bytes (empty,
    /// outside it, or asking for more than it holds), or null when it can: the one rule of the writer and of replay.</summary>
    public static string? ChunkProblem(ulong offset, ulong size, ulong requested, ulong regionSize) =>
        size == 0 || offset >= regionSize || size > regionSize - offset || requested > size
            ? $"chunk [{offset}, +{size}) (requested {requested}) does not fit the region of {regionSize} bytes"
            : null;

    /// <summary>The header's size in bytes; the first record starts here.</summary>
    public const int HeaderSize = 256;

    /// <summary>A record's (and a payload block's) size in bytes.</summary>
    public const int RecordSize = 64;

    /// <summary>The format version this code writes and reads.</summary>
    public const uint Version = 1;

    /// <summary>The longest allocator name the header holds, in UTF-8 bytes.</summary>
    public const int MaxAllocatorNameBytes = 200;

    /// <summary>The longest owner string an owner record holds, in UTF-8 bytes.</summary>
    public const int MaxOwnerNameBytes = 4096;

    private static ReadOnlySpan<byte> Magic => "CMACHNK1"u8;
    private const ulong P1 = 0x9E3779B185EBCA87UL, P2 = 0xC2B2AE3D27D4EB4FUL, P4 = 0x85EBCA77C2B2AE63UL, P5 = 0x27D4EB2F165667C5UL;

    /// <summary>Writes the header for <paramref name="identity"/> into <paramref name="header"/> (256 bytes).</summary>
    /// <returns>The header's checksum, the seed of every record's checksum.</returns>
    public static ulong WriteHeader(Span<byte> header, ChunkJournalIdentity identity)
    {
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], HeaderSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], identity.RegionSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], identity.Granule);
        BinaryPrimitives.WriteUInt32LittleEndian(header[32..], (uint)identity.Rounding);
        int nameBytes = Encoding.UTF8.GetBytes(identity.AllocatorName, header.Slice(48, MaxAllocatorNameBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(header[36..], (uint)nameBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], identity.RoundingUnit);
        ulong checksum = Hash(header[..248], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(header[248..], checksum);
        return checksum;
    }

    /// <summary>Reads a header: null when its magic, version or checksum is wrong (the file is not a journal this code reads).</summary>
    /// <returns>The identity it records and its checksum, or null.</returns>
    public static (ChunkJournalIdentity Identity, ulong Checksum)? ReadHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderSize || !header[..8].SequenceEqual(Magic))
            return null;
        ulong checksum = BinaryPrimitives.ReadUInt64LittleEndian(header[248..]);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != Version || Hash(header[..248], 0) != checksum)
            return null;
        uint nameBytes = BinaryPrimitives.ReadUInt32LittleEndian(header[36..]);
        if (nameBytes > MaxAllocatorNameBytes)
            return null;
        var identity = new ChunkJournalIdentity(
            BinaryPrimitives.ReadUInt64LittleEndian(header[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[24..]),
            (CmaRounding)BinaryPrimitives.ReadUInt32LittleEndian(header[32..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[40..]),
            Encoding.UTF8.GetString(header.Slice(48, (int)nameBytes)));
        return (identity, checksum);
    }

    /// <summary>Encodes <paramref name="record"/> into <paramref name="block"/> (64 bytes) and seals it with its
    /// checksum over the block and <paramref name="payload"/> (whole 64-byte blocks, empty for most records).</summary>
    public static void Encode(Span<byte> block, in JournalRecord record, ReadOnlySpan<byte> payload, ulong seed)
    {
        block[..RecordSize].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(block, record.Sequence);
        block[8] = (byte)record.Type;
        block[9] = (byte)record.Kind;
        BinaryPrimitives.WriteUInt16LittleEndian(block[10..], record.PayloadBlocks);
        BinaryPrimitives.WriteInt32LittleEndian(block[12..], record.OwnerId);
        BinaryPrimitives.WriteUInt64LittleEndian(block[16..], record.Offset);
        BinaryPrimitives.WriteUInt64LittleEndian(block[24..], record.Size);
        BinaryPrimitives.WriteUInt64LittleEndian(block[32..], record.Requested);
        BinaryPrimitives.WriteUInt64LittleEndian(block[56..], Checksum(block, payload, seed));
    }

    /// <summary>Decodes a record block without checking it (see <see cref="IsSealed"/>).</summary>
    public static JournalRecord Decode(ReadOnlySpan<byte> block) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(block),
        (JournalRecordType)block[8],
        (PersistedChunkKind)block[9],
        BinaryPrimitives.ReadUInt16LittleEndian(block[10..]),
        BinaryPrimitives.ReadInt32LittleEndian(block[12..]),
        BinaryPrimitives.ReadUInt64LittleEndian(block[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(block[24..]),
        BinaryPrimitives.ReadUInt64LittleEndian(block[32..]));

    /// <summary>Whether a record block (with its payload) carries the checksum its bytes give: false for a torn or
    /// corrupted record.</summary>
    public static bool IsSealed(ReadOnlySpan<byte> block, ReadOnlySpan<byte> payload, ulong seed) =>
        BinaryPrimitives.ReadUInt64LittleEndian(block[56..]) == Checksum(block, payload, seed);

    /// <summary>The payload blocks an owner name of <paramref name="nameBytes"/> UTF-8 bytes takes.</summary>
    public static int PayloadBlocksFor(int nameBytes) => (nameBytes + RecordSize - 1) / RecordSize;

    private static ulong Checksum(ReadOnlySpan<byte> block, ReadOnlySpan<byte> payload, ulong seed)
    {
        ulong hash = Hash(block[..56], seed);
        return payload.IsEmpty ? hash : Hash(payload, hash);
    }

    /// <summary>A 64-bit hash of whole 8-byte words (an xxHash64-style single lane with its final avalanche).</summary>
    private static ulong Hash(ReadOnlySpan<byte> data, ulong seed)
    {
        ulong hash = seed ^ P5 ^ (ulong)data.Length;
        foreach (ulong word in MemoryMarshal.Cast<byte, ulong>(data))
        {
            ulong lane = BitOperations.RotateLeft(word * P2, 31) * P1;
            hash = BitOperations.RotateLeft(hash ^ lane, 27) * P1 + P4;
        }
        hash ^= hash >> 33;
        hash *= P2;
        hash ^= hash >> 29;
        hash *= P1 + 2;
        return hash ^ (hash >> 32);
    }
}
