namespace Cma.Host.Regions;

/// <summary>One address bucket of the <see cref="ChunkIndex"/>. A bucket that holds one chunk keeps it inline
/// (<see cref="Start"/>, <see cref="Size"/>, <see cref="Owner"/>), so reaching it costs one cache line and no pointer
/// chase; from two chunks on, all of them are in <see cref="Chunks"/>, ascending by start, valid up to
/// <see cref="Count"/>. 32 bytes.</summary>
internal struct ChunkBucket
{
    /// <summary>The chunks that start in the bucket, ascending, when <see cref="Count"/> ≥ 2; null until a bucket first holds
    /// two chunks, then kept (also when the count drops back) so that steady churn allocates nothing.</summary>
    public IndexedChunk[]? Chunks;

    /// <summary>The start of the bucket's only chunk when <see cref="Count"/> is 1.</summary>
    public ulong Start;

    /// <summary>The size of the bucket's only chunk when <see cref="Count"/> is 1.</summary>
    public ulong Size;

    /// <summary>The owner of the bucket's only chunk when <see cref="Count"/> is 1.</summary>
    public int Owner;

    /// <summary>How many chunks start in the bucket.</summary>
    public int Count;
}
