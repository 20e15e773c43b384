namespace Cma.Runtime.Regions;

/// <summary>One address bucket of the <see cref="ChunkIndex"/>. A bucket with one chunk keeps it here, in the
/// directory (<see cref="FirstStart"/>, <see cref="LastEnd"/>, <see cref="OnlyRequested"/>, <see cref="OnlyOwner"/>):
/// most buckets of a region whose chunks are larger than a bucket hold zero or one, and reaching such a chunk then costs
/// one directory entry, not a second, scattered array. From two chunks on, <see cref="Chunks"/> holds them all ascending
/// by start (the array is kept when the bucket shrinks, so steady allocate/free allocates nothing). Either way the two
/// edges are kept here, so that an overlap check that reaches a neighbouring bucket reads only its directory entry.</summary>
internal struct ChunkBucket
{
    /// <summary>With two chunks or more, the bucket's chunks ascending by start; otherwise unused (null until first needed).</summary>
    public IndexedChunk[]? Chunks;

    /// <summary>How many chunks start in the bucket.</summary>
    public int Count;

    /// <summary>With exactly one chunk: its owner index.</summary>
    public int OnlyOwner;

    /// <summary>The first chunk's start, as an offset from the region's start; meaningless while the bucket is empty.</summary>
    public ulong FirstStart;

    /// <summary>The last chunk's end, as an offset from the region's start; meaningless while the bucket is empty.</summary>
    public ulong LastEnd;

    /// <summary>With exactly one chunk: the size its caller asked for (its size is <see cref="LastEnd"/> − <see cref="FirstStart"/>).</summary>
    public ulong OnlyRequested;
}
