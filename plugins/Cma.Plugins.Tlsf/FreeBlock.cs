namespace Cma.Plugins.Tlsf;

/// <summary>
/// The record of one free block (24 bytes), kept in <see cref="FreeLists"/>' pool, never in the managed memory:
/// the block covers the granule indexes <c>[Start, End)</c> and is linked in the list of its size class.
/// </summary>
internal struct FreeBlock
{
    /// <summary>First granule index (absolute address / granule).</summary>
    public ulong Start;

    /// <summary>One past the last granule index; greater than <see cref="Start"/>.</summary>
    public ulong End;

    /// <summary>Next slot in the block's list (or in the pool's unused list), or <see cref="FreeLists.None"/>.</summary>
    public int Next;

    /// <summary>Previous slot in the block's list, or <see cref="FreeLists.None"/> for the head.</summary>
    public int Prev;

    /// <summary>The block's size in granules.</summary>
    public readonly ulong Granules => End - Start;
}
