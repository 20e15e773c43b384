namespace Cma.Runtime.Regions;

/// <summary>One address bucket of the <see cref="ChunkIndex"/>: its chunks ascending by start, valid up to
/// <see cref="Count"/>. The array and the count sit side by side so that reaching a bucket costs one cache line.</summary>
internal struct ChunkBucket
{
    /// <summary>The chunks that start in the bucket, ascending; null until the bucket is first used.</summary>
    public IndexedChunk[]? Chunks;

    /// <summary>How many of <see cref="Chunks"/> are live.</summary>
    public int Count;
}
