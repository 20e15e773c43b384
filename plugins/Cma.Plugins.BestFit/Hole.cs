namespace Cma.Plugins.BestFit;

/// <summary>
/// One free extent <c>[Start, Start + Size)</c> of a region, stored by value in a <see cref="HoleArena"/> slot.
/// It is also a node of its size class in <see cref="HoleSizeIndex"/> (a list or a treap), and knows where its two
/// edges are in the <see cref="HoleEdgeTable"/>: 32 bytes, two to a cache line.
/// </summary>
internal struct Hole
{
    /// <summary>Absolute address of the hole's first byte; a multiple of the granule.</summary>
    public ulong Start;

    /// <summary>Length in bytes; positive, a multiple of the granule. <c>Start + Size</c> never wraps.</summary>
    public ulong Size;

    /// <summary>Treap child with a smaller (size, start) key, or the previous hole of a list, or
    /// <see cref="HoleArena.Nil"/>; while the slot is free, the next free slot.</summary>
    public int Left;

    /// <summary>Treap child with a larger (size, start) key, or the next hole of a list, or <see cref="HoleArena.Nil"/>.</summary>
    public int Right;

    /// <summary>Position of the entry of <see cref="Start"/> in the <see cref="HoleEdgeTable"/>, so that removing it
    /// needs no look-up.</summary>
    public int StartEntry;

    /// <summary>Position of the entry of <see cref="End"/> in the <see cref="HoleEdgeTable"/>.</summary>
    public int EndEntry;

    /// <summary>One past the hole's last byte.</summary>
    public readonly ulong End => Start + Size;
}
