namespace Cma.Plugins.Tests.BestFit;

/// <summary>Best fit over a sorted map of holes (start → size), done the slow way: the model the best-fit tests compare
/// the plugin with.</summary>
internal static class BestFitModel
{
    /// <summary>Best fit done the slow way: every hole is tried, the smallest (then lowest) that holds the aligned
    /// request wins; the chunk goes at the aligned head, or at the end when the tail is a multiple of the alignment.</summary>
    public static ulong? Allocate(SortedDictionary<ulong, ulong> holes, ulong size, ulong alignment)
    {
        ulong bestStart = 0, bestSize = ulong.MaxValue, bestHead = 0;
        foreach ((ulong holeStart, ulong holeSize) in holes)
        {
            ulong head = (alignment - (holeStart % alignment)) % alignment;
            if (head + size <= holeSize && holeSize < bestSize)
                (bestStart, bestSize, bestHead) = (holeStart, holeSize, head);
        }
        if (bestSize == ulong.MaxValue)
            return null;
        ulong tail = bestSize - bestHead - size;
        if (bestHead != 0 && tail != 0 && tail % alignment == 0)
            (bestHead, tail) = (bestHead + tail, 0);
        holes.Remove(bestStart);
        if (bestHead != 0)
            holes[bestStart] = bestHead;
        if (tail != 0)
            holes[bestStart + bestHead + size] = tail;
        return bestStart + bestHead;
    }

    /// <summary>Returns a chunk to the model, merging it with the holes that touch it.</summary>
    public static void Free(SortedDictionary<ulong, ulong> holes, ulong address, ulong size)
    {
        ulong start = address;
        ulong end = address + size;
        foreach ((ulong holeStart, ulong holeSize) in holes)
        {
            if (holeStart + holeSize == address)
                start = holeStart;
        }
        holes.Remove(start);
        if (holes.Remove(end, out ulong after))
            end += after;
        holes[start] = end - start;
    }
}
