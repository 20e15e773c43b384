using Cma.Runtime.Persistence;

namespace Cma.JournalChild;

/// <summary>What the child and the test agree on: the journal's identity, and the bytes a chunk holds.</summary>
public static class JournalPattern
{
    /// <summary>The granule (and rounding unit) of the test region.</summary>
    public const ulong Granule = 64;

    /// <summary>The allocator name in the test journal's identity.</summary>
    public const string AllocatorName = "journal-child";

    /// <summary>The owners the child allocates for.</summary>
    public static readonly string[] Owners = ["camera/frame", "camera/meta", "gpu/texture", "dsp/ring-buffer-with-a-longer-owner-name-than-one-block-holds/x"];

    /// <summary>The journal identity of a test region of <paramref name="regionSize"/> bytes.</summary>
    internal static ChunkJournalIdentity Identity(ulong regionSize) => new(regionSize, Granule, CmaRounding.Multiple, Granule, AllocatorName);

    /// <summary>Fills <paramref name="chunk"/> (at least 8 bytes): the tag in its first 8 bytes, then bytes derived from it.</summary>
    public static void Fill(Span<byte> chunk, ulong tag)
    {
        BitConverter.TryWriteBytes(chunk, tag);
        for (int i = 8; i < chunk.Length; i++)
            chunk[i] = Byte(tag, i);
    }

    /// <summary>The tag a chunk's bytes carry, if every byte after it is what <see cref="Fill"/> writes for it.</summary>
    public static ulong? Check(ReadOnlySpan<byte> chunk)
    {
        ulong tag = BitConverter.ToUInt64(chunk);
        for (int i = 8; i < chunk.Length; i++)
        {
            if (chunk[i] != Byte(tag, i))
                return null;
        }
        return tag;
    }

    private static byte Byte(ulong tag, int index)
    {
        ulong mixed = (tag + (ulong)index) * 0x9E3779B97F4A7C15UL;
        return (byte)(mixed >> 56);
    }
}
