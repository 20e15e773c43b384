namespace Cma.Runtime.Regions;

/// <summary>One address bucket of the <see cref="ChunkIndex"/>: its chunks ascending by start, valid up to
/// <see cref="Count"/>, and the bucket's two edges — the offset (from the region's start) of its first chunk's start and
/// of its last chunk's end — so that an overlap check that reaches a neighbouring bucket reads that bucket's entry in the
/// directory, not its chunk array. 32 bytes: two entries share a cache line.</summary>
internal struct ChunkBucket
{
    /// <summary>The chunks that start in the bucket, ascending; null until the bucket is first used.</summary>
    public IndexedChunk[]? Chunks;

    /// <summary>How many of <see cref="Chunks"/> are live.</summary>
    public int Count;

    /// <summary>The first chunk's start, as an offset from the region's start; meaningless while the bucket is empty.</summary>
    public ulong FirstStart;

    /// <summary>The last chunk's end, as an offset from the region's start; meaningless while the bucket is empty.</summary>
    public ulong LastEnd;
}
