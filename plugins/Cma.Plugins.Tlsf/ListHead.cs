namespace Cma.Plugins.Tlsf;

/// <summary>One size class's list in <see cref="FreeLists"/> (16 bytes): its head and what it knows of its largest
/// block, side by side so that linking or unlinking touches one cache line of the heads.</summary>
internal struct ListHead
{
    /// <summary>The head slot (the most recently linked block), or <see cref="FreeLists.None"/> when the list is empty.</summary>
    public int First;

    /// <summary>The size of the list's largest block, or 0 when not known (the largest was unlinked or shrank since the
    /// list was last scanned); meaningless for an empty list. When non-zero, exactly the largest block's size.</summary>
    public ulong Largest;
}
