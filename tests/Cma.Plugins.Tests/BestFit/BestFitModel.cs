namespace Cma.Plugins.Tests.BestFit;

/// <summary>Best fit done the slow way over a sorted map of holes (start → size), and the live chunks of a run that
/// drives the plugin and this model side by side: the model the best-fit tests compare the plugin with.</summary>
internal sealed class BestFitModel(ulong start, ulong size)
{
    /// <summary>The model's free space: hole start → size.</summary>
    public SortedDictionary<ulong, ulong> Holes { get; } = new() { [start] = size };

    /// <summary>The chunks both the plugin and the model hold.</summary>
    public List<(ulong Address, ulong Size)> Live { get; } = [];

    /// <summary>The stats the plugin must report for the model's holes.</summary>
    public CmaAllocatorStats ExpectedStats =>
        new(Holes.Values.Aggregate(0UL, (sum, h) => sum + h), Holes.Count == 0 ? 0 : Holes.Values.Max(), (ulong)Holes.Count);

    /// <summary>Allocates from the plugin and from the model; asserts that both succeed or fail, at the same address.</summary>
    public void Allocate(ICmaAllocator bestFit, ulong request, ulong alignment)
    {
        ulong? expected = Allocate(Holes, request, alignment);

        bool placed = bestFit.TryAllocate(request, alignment, out ulong address);

        Assert.Equal(expected.HasValue, placed);
        if (placed)
        {
            Assert.Equal(expected, address);
            Live.Add((address, request));
        }
    }

    /// <summary>Frees a randomly chosen live chunk in the plugin and in the model.</summary>
    public void FreeRandom(ICmaAllocator bestFit, Random random)
    {
        int victim = random.Next(Live.Count);
        (ulong address, ulong chunkSize) = Live[victim];
        Live[victim] = Live[^1];
        Live.RemoveAt(Live.Count - 1);
        bestFit.Free(address, chunkSize);
        Free(Holes, address, chunkSize);
    }

    /// <summary>Best fit done the slow way: every hole is tried, the smallest (then lowest) that holds the aligned
    /// request wins; the chunk goes at the aligned head, or at the end when the tail is a multiple of the alignment.</summary>
    private static ulong? Allocate(SortedDictionary<ulong, ulong> holes, ulong size, ulong alignment)
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
    private static void Free(SortedDictionary<ulong, ulong> holes, ulong address, ulong size)
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
