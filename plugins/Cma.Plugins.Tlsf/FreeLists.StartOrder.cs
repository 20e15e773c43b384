using System.Diagnostics;

namespace Cma.Plugins.Tlsf;

/// <summary>The free blocks as the ranges exact placement keeps in start order (<see cref="StartOrderTreap"/>).</summary>
internal sealed partial class FreeLists : IStartOrderedRanges
{
    /// <inheritdoc/>
    int IStartOrderedRanges.RangeCount => (int)Count;

    /// <inheritdoc/>
    ulong IStartOrderedRanges.StartOf(int slot) => _blocks[slot].Start;

    /// <inheritdoc/>
    ulong IStartOrderedRanges.EndOf(int slot) => _blocks[slot].End;

    /// <inheritdoc/>
    /// <remarks>A linked block's record carries no mark; the count check of the order catches a block missing from it.</remarks>
    bool IStartOrderedRanges.IsLive(int slot) => true;

    /// <inheritdoc/>
    int IStartOrderedRanges.CopyLiveSlots(Span<int> slots)
    {
        int n = 0, highest = -1;
        for (int list = FirstNonEmpty(0); list != None; list = FirstNonEmpty(list + 1))
        {
            for (int slot = _heads[list]; slot != None; slot = _blocks[slot].Next)
            {
                slots[n++] = slot;
                highest = Math.Max(highest, slot);
            }
        }
        Debug.Assert(n == slots.Length, "the lists hold Count blocks");
        return highest + 1;
    }

    /// <inheritdoc/>
    string IStartOrderedRanges.Corrupt => "TLSF allocator corrupted";
}
