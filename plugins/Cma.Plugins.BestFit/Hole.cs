namespace Cma.Plugins.BestFit;

/// <summary>
/// One free extent <c>[Start, Start + Size)</c> of a region, stored by value in a <see cref="HoleArena"/> slot.
/// It is also a node of a treap of its size class in <see cref="HoleSizeIndex"/> (32 bytes with padding).
/// </summary>
internal struct Hole
{
    /// <summary>Absolute address of the hole's first byte; a multiple of the granule.</summary>
    public ulong Start;

    /// <summary>Length in bytes; positive, a multiple of the granule. <c>Start + Size</c> never wraps.</summary>
    public ulong Size;

    /// <summary>Treap child with a smaller (size, start) key, or <see cref="HoleArena.Nil"/>; while the slot is
    /// free, the next free slot.</summary>
    public int Left;

    /// <summary>Treap child with a larger (size, start) key, or <see cref="HoleArena.Nil"/>.</summary>
    public int Right;

    /// <summary>Treap heap priority: no child has a larger one.</summary>
    public uint Priority;

    /// <summary>One past the hole's last byte.</summary>
    public readonly ulong End => Start + Size;
}
