using System.Diagnostics;

namespace Cma.Plugins.Tlsf;

/// <summary>The searches of <see cref="TlsfAllocator"/>: which free block an allocation is cut from.</summary>
internal sealed partial class TlsfAllocator
{
    /// <summary>A block that holds <paramref name="granules"/>, or <see cref="FreeLists.None"/>: the head of the request's
    /// own list if it is large enough (an exact or closer fit), else the head of the first non-empty list whose every
    /// block holds it, else (nothing that large) a walk of the request's own list.</summary>
    private int FindFit(ulong granules)
    {
        int own = SizeClasses.ListOf(granules, _bits, out int search);
        int slot = _lists.Head(own);
        if (slot != FreeLists.None && _lists[slot].Granules >= granules)
            return slot;
        int list = _lists.FirstNonEmpty(search);
        return list != FreeLists.None ? _lists.Head(list) : FindInLists(own, own + 1, granules, 1, out _);
    }

    /// <summary>A block for <paramref name="granules"/> aligned to <paramref name="align"/> granules, and where in it the
    /// chunk goes; <see cref="FreeLists.None"/> when no free block holds it. First the heads of the request's own list
    /// and of the first list whose blocks all hold the size, if one happens to hold it aligned; then the head of the first
    /// list whose blocks hold size + align − 1 (any such block holds the aligned chunk); last the lists in between, block
    /// by block.</summary>
    private int FindAlignedFit(ulong granules, ulong align, out ulong at)
    {
        int own = SizeClasses.ListOf(granules, _bits, out int search);
        int slot = _lists.Head(own);
        if (slot != FreeLists.None && Holds(_lists[slot], granules, align, out at))
            return slot;
        int list = _lists.FirstNonEmpty(search);
        if (list == FreeLists.None)
            return FindInLists(own, own + 1, granules, align, out at);
        slot = _lists.Head(list);
        if (Holds(_lists[slot], granules, align, out at))
            return slot;
        int limit = _lists.ListTotal;
        if (align - 1 <= ulong.MaxValue - granules)
        {
            limit = SizeClasses.SearchListOf(granules + (align - 1), _bits);
            list = _lists.FirstNonEmpty(limit);
            if (list != FreeLists.None)
            {
                slot = _lists.Head(list);
                bool holds = Holds(_lists[slot], granules, align, out at);
                Debug.Assert(holds, "a block of size + align - 1 granules holds an aligned chunk of size");
                return slot;
            }
        }
        return FindInLists(own, limit, granules, align, out at);
    }

    /// <summary>The first block, in the non-empty lists from <paramref name="fromList"/> up to (not including)
    /// <paramref name="toList"/>, that holds <paramref name="granules"/> aligned to <paramref name="align"/>; walks
    /// those lists block by block. <see cref="FreeLists.None"/> when there is none.</summary>
    private int FindInLists(int fromList, int toList, ulong granules, ulong align, out ulong at)
    {
        for (int list = _lists.FirstNonEmpty(fromList); list != FreeLists.None && list < toList; list = _lists.FirstNonEmpty(list + 1))
        {
            for (int slot = _lists.Head(list); slot != FreeLists.None; slot = _lists[slot].Next)
            {
                if (Holds(_lists[slot], granules, align, out at))
                    return slot;
            }
        }
        at = 0;
        return FreeLists.None;
    }

    /// <summary>Whether <paramref name="block"/> holds <paramref name="granules"/> at its first multiple of
    /// <paramref name="align"/>, which is <paramref name="at"/>; computed without forming <c>start + align − 1</c>,
    /// which could pass 2^64. E.g. block [0x13, 0x40), align 0x10: padding 0xD, at 0x20, holds up to 0x20 granules.</summary>
    private static bool Holds(in FreeBlock block, ulong granules, ulong align, out ulong at)
    {
        ulong misalignment = block.Start & (align - 1);
        ulong padding = misalignment == 0 ? 0 : align - misalignment;
        ulong size = block.End - block.Start;
        bool holds = padding < size && size - padding >= granules;
        at = holds ? block.Start + padding : 0;
        return holds;
    }
}
