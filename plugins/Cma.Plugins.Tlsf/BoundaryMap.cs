using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Cma.Plugins.Tlsf;

/// <summary>The hash index of the boundaries of the free blocks — each block's start and its end granule index — that
/// finds the block with a given boundary: the shared <see cref="EdgeTable{TRecords}"/> over the records of
/// <see cref="FreeLists"/> (each record keeps its two entries' positions in <see cref="FreeBlock.StartEntry"/> and
/// <see cref="FreeBlock.EndEntry"/>). Its look-ups take a start or an end alike: free blocks never touch, so a key is
/// at most one boundary.</summary>
internal sealed class BoundaryMap(FreeLists lists, int capacity) : EdgeTable<BlockEdges>(new BlockEdges(lists), capacity)
{
    /// <summary>The slot of the free block that starts or ends at <paramref name="key"/>, or <see cref="FreeLists.None"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong key) => Find(key, AnyKind, out _);

    /// <summary>The slot of the free block that starts or ends at <paramref name="key"/>, or <see cref="FreeLists.None"/>
    /// and in <paramref name="vacancy"/> the empty entry the look-up stopped at (see <see cref="EdgeTable{TRecords}.Find"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong key, out int vacancy) => Find(key, AnyKind, out vacancy);

    /// <summary>Adds the start (or, with <paramref name="isEnd"/>, the end) of the block in <paramref name="slot"/>, which
    /// its record already holds; no other free block has that boundary.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int slot, bool isEnd)
    {
        bool added = Add(slot, isEnd ? 1 : 0);
        Debug.Assert(added, "no other free block starts or ends there");
    }

    /// <summary>Removes the start (or, with <paramref name="isEnd"/>, the end) of the block in <paramref name="slot"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Remove(int slot, bool isEnd)
    {
        Debug.Assert(Holds(slot, isEnd ? 1 : 0), "the record knows its entry");
        Remove(slot, isEnd ? 1 : 0, verify: false);
    }

    /// <summary>Hands the end of the block in <paramref name="from"/> to the block in <paramref name="to"/>, whose record
    /// already holds the same end (a block that took over another's end): same key, same entry, new owner.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MoveEnd(int from, int to)
    {
        Debug.Assert(Holds(from, 1), "the record knows its entry");
        Move(from, to, 1, verify: false);
    }

    /// <summary>Debug: whether the block in <paramref name="slot"/> is found under both its boundaries, and its record
    /// knows where.</summary>
    public bool Holds(int slot) => Find(lists[slot].Start) == slot && Find(lists[slot].End) == slot && Holds(slot, 0) && Holds(slot, 1);
}

/// <summary>The free blocks as an <see cref="EdgeTable{TRecords}"/> reads them: a block's start and end, and where its
/// record keeps its entries' positions.</summary>
internal readonly struct BlockEdges(FreeLists lists) : IEdgeRecords
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Edge(int slot, bool isEnd)
    {
        ref FreeBlock block = ref lists[slot];
        return isEnd ? block.End : block.Start;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref int EntryOf(int slot, bool isEnd)
    {
        ref FreeBlock block = ref lists[slot];
        return ref isEnd ? ref block.EndEntry : ref block.StartEntry;
    }
}
