namespace Cma.Plugins.Tlsf;

/// <summary>
/// The record of one free block (32 bytes, two to a cache line), kept in <see cref="FreeLists"/>' pool, never in the
/// managed memory: the block covers the granule indexes <c>[Start, End)</c>, is linked in the list of its size class,
/// and knows where <see cref="BoundaryMap"/> keeps its two boundaries, so that removing one needs no look-up.
/// </summary>
internal struct FreeBlock
{
    /// <summary>First granule index (absolute address / granule).</summary>
    public ulong Start;

    /// <summary>One past the last granule index; greater than <see cref="Start"/>.</summary>
    public ulong End;

    /// <summary>Next slot in the block's list (or in the pool's unused list), or <see cref="FreeLists.None"/>.</summary>
    public int Next;

    /// <summary>Previous slot in the block's list; meaningful only when the block is not the list's head (taking the
    /// head leaves the next block's <see cref="Prev"/> stale rather than touch its record).</summary>
    public int Prev;

    /// <summary>Position of the entry of <see cref="Start"/> in <see cref="BoundaryMap"/>'s table.</summary>
    public int StartEntry;

    /// <summary>Position of the entry of <see cref="End"/> in <see cref="BoundaryMap"/>'s table.</summary>
    public int EndEntry;

    /// <summary>The block's size in granules.</summary>
    public readonly ulong Granules => End - Start;
}
