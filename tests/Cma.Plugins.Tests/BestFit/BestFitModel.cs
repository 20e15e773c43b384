namespace Cma.Plugins.Tests.BestFit;

/// <summary>Best fit done the slow way over a sorted map of holes (start → size), and the live chunks of a run that
/// drives the plugin and this model side by side: the model the best-fit tests compare the plugin with. The model
/// checks the size of the hole the plugin chose (a smallest one that holds the aligned request) and the offset in it;
/// which of several holes of that size is the plugin's choice.</summary>
internal sealed class BestFitModel(ulong start, ulong size)
{
    /// <summary>The model's free space: hole start → size.</summary>
    public SortedDictionary<ulong, ulong> Holes { get; } = new() { [start] = size };

    /// <summary>The chunks both the plugin and the model hold.</summary>
    public List<(ulong Address, ulong Size)> Live { get; } = [];

    /// <summary>The stats the plugin must report for the model's holes.</summary>
    public CmaAllocatorStats ExpectedStats =>
        new(Holes.Values.Aggregate(0UL, (sum, h) => sum + h), Holes.Count == 0 ? 0 : Holes.Values.Max(), (ulong)Holes.Count);

    /// <summary>Allocates from the plugin and checks it against the model: both succeed or fail, and the plugin's
    /// chunk lies in a hole of the smallest size that holds the aligned request (ties between holes of that size are
    /// the plugin's to break), at the placement rule's offset; the model then takes the chunk from that hole.</summary>
    public void Allocate(ICmaAllocator bestFit, ulong request, ulong alignment)
    {
        bool placed = bestFit.TryAllocate(request, alignment, out ulong address);

        Assert.Equal(placed, Allocate(Holes, request, alignment, address));
        if (placed)
            Live.Add((address, request));
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

    /// <summary>Best fit done the slow way: every hole is tried for the smallest size that holds the aligned request.
    /// When one does, the plugin's <paramref name="address"/> must lie in a hole of that size at its placement offset —
    /// the end when that is aligned and either the aligned head would leave space on both sides or the chunk is large
    /// (1 KiB or more, with a granule below 1 KiB), else the aligned head — and the model carves it there.</summary>
    /// <returns>Whether some hole holds the request.</returns>
    private static bool Allocate(SortedDictionary<ulong, ulong> holes, ulong size, ulong alignment, ulong address)
    {
        ulong bestSize = ulong.MaxValue;
        foreach ((ulong holeStart, ulong holeSize) in holes)
        {
            ulong head = (alignment - (holeStart % alignment)) % alignment;
            if (head + size <= holeSize && holeSize < bestSize)
                bestSize = holeSize;
        }
        if (bestSize == ulong.MaxValue)
            return false;
        (ulong bestStart, ulong holeSizeFound) = holes.LastOrDefault(h => h.Key <= address);
        Assert.True(holeSizeFound == bestSize, $"chunk 0x{address:X} is not in a hole of the best-fit size 0x{bestSize:X}");
        ulong bestHead = (alignment - (bestStart % alignment)) % alignment;
        ulong tail = bestSize - bestHead - size;
        // At the end when it is aligned and either the head would split the hole (the RFC's rule) or the chunk is large
        // (1 KiB or more, in a region whose granule is below 1 KiB: the tests' granule is 16 bytes).
        if (tail != 0 && (bestStart + bestSize - size) % alignment == 0 && (bestHead != 0 || (size >= 1024 && BestFitPlacementTests.G < 1024)))
            (bestHead, tail) = (bestHead + tail, 0);
        Assert.Equal(bestStart + bestHead, address);
        holes.Remove(bestStart);
        if (bestHead != 0)
            holes[bestStart] = bestHead;
        if (tail != 0)
            holes[bestStart + bestHead + size] = tail;
        return true;
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
