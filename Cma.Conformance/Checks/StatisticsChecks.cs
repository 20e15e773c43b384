namespace Cma.Conformance;

/// <summary>Checks of <see cref="ICmaAllocator.Stats"/>: exact free bytes after every operation, and a largest free
/// block that is the largest request that really succeeds.</summary>
internal static class StatisticsChecks
{
    /// <summary>On three regions (aligned, one granule past, odd size), a fresh allocator reports the whole region
    /// free, one block covering it where the traits say so, and a largest free block that can be placed.</summary>
    public static void FreshAllocatorReportsTheWholeRegionFree(ConformanceContext context)
    {
        foreach ((ulong start, ulong size) in (ReadOnlySpan<(ulong, ulong)>)[(0, 4096), (1, 4096), (16, 1000)])
        {
            using var session = new AllocatorSession(context, KitRegions.Create(context, start, size));
            CmaAllocatorStats stats = session.InitialStats;
            if (stats.LargestFreeBlock == 0)
                throw session.Fail($"A fresh allocator reports {ByteText.Stats(stats)}: the region is free, so the largest free block is positive.");
            bool tiled = session.Region.Size % session.Traits.Unit == 0;
            if (session.Traits.FreeAllLeavesOneBlock && tiled && (stats.FreeBlockCount != 1 || stats.LargestFreeBlock != session.Region.Size))
            {
                throw session.Fail($"A fresh allocator reports {ByteText.Stats(stats)}, but Traits say the free region is one block: " +
                    $"FreeBlockCount 1 and LargestFreeBlock {ByteText.Size(session.Region.Size)}.");
            }
            session.ProbeLargestFreeBlock();
        }
    }

    /// <summary>A fixed random sequence of 4,000 allocations and frees of mixed sizes and alignments; the session
    /// checks the stats after every operation and probes the largest free block every 100.</summary>
    public static void StatsAreExactAfterEveryOperation(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 16, 3000));
        ulong g = session.Granule;
        var random = new Random(1234);
        for (int i = 1; i <= 4000; i++)
        {
            if (session.Model.Count > 0 && random.Next(100) < 45)
            {
                session.Free(session.Model[random.Next(session.Model.Count)].Address);
            }
            else
            {
                ulong size = (ulong)random.Next(1, 1 << random.Next(1, 8)) * g;
                ulong alignment = random.Next(3) == 0 ? g << random.Next(1, 7) : g;
                session.TryAllocate(size, alignment, out _);
            }
            if (i % 100 == 0)
                session.ProbeLargestFreeBlock();
        }
        session.FreeAll();
    }

    /// <summary>Fills a region with 16-granule chunks, frees runs of 1, 2, 3, 5 and 8 chunks, and probes the
    /// largest free block after each: a request of its size succeeds, one granule more does not.</summary>
    public static void LargestFreeBlockIsTheLargestRequestThatSucceeds(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 0, 2048));
        ulong g = session.Granule;
        session.ProbeLargestFreeBlock();
        while (session.TryAllocate(16 * g, g, out _))
        {
        }
        session.ProbeLargestFreeBlock();
        LiveAllocation[] chunks = session.Model.ToArrayByAddress();
        foreach ((int first, int count) in (ReadOnlySpan<(int, int)>)[(3, 1), (10, 2), (20, 3), (40, 5), (80, 8)])
        {
            for (int i = first; i < first + count && i < chunks.Length; i++)
                session.Free(chunks[i].Address);
            session.ProbeLargestFreeBlock();
        }
        session.FreeAll();
        session.ProbeLargestFreeBlock();
    }
}
