namespace Cma.Conformance;

/// <summary>Checks of freeing: freed space is reused, and freeing everything coalesces back to the initial free space.</summary>
internal static class FreeChecks
{
    /// <summary>Frees every other chunk of a row and refills, then fills the region, frees one chunk in the middle
    /// and asks for the same size again; the session verifies that no result overlaps a live allocation.</summary>
    public static void ReuseAfterFree(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 0, 4096));
        ulong g = session.Granule;
        ulong chunk = 16 * g;
        var row = new ulong[64];
        for (int i = 0; i < row.Length; i++)
            row[i] = session.Allocate(chunk, g, $"the region has room for {4096 / 16} such chunks and holds {i}.");
        for (int i = 1; i < row.Length; i += 2)
            session.Free(row[i]);
        for (int i = 0; i < row.Length / 2; i++)
            session.Allocate(chunk, g, $"{row.Length / 2} chunks of that size were just freed and the rest of the region is free.");

        while (session.TryAllocate(chunk, g, out _))
        {
        }
        LiveAllocation[] live = session.Model.ToArrayByAddress();
        LiveAllocation middle = live[live.Length / 2];
        session.Free(middle.Address);
        session.Allocate(chunk, g, $"the {ByteText.Size(chunk)} chunk at 0x{middle.Address:X} was just freed: freed space must be reusable.");
        session.FreeAll();
    }

    /// <summary>Allocates mixed sizes and alignments until the region is nearly full, frees half, refills, frees
    /// everything in a shuffled order, and expects the stats of a fresh allocator (one block covering the region
    /// where the traits say so).</summary>
    public static void FreeAllRestoresTheRegion(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 0, 4096));
        ulong g = session.Granule;
        var random = new Random(7);
        AllocateUntilStuck(session, random);
        LiveAllocation[] live = session.Model.ToArrayByAddress();
        random.Shuffle(live);
        for (int i = 0; i < live.Length / 2; i++)
            session.Free(live[i].Address);
        AllocateUntilStuck(session, random);
        session.FreeAll(random);

        CmaAllocatorStats stats = session.CheckStats();
        if (stats != session.InitialStats)
        {
            throw session.Fail($"After every allocation was freed the stats are {ByteText.Stats(stats)}, but the fresh allocator reported " +
                $"{ByteText.Stats(session.InitialStats)}: freeing must coalesce the free space back to what it was.");
        }
        if (session.Traits.FreeAllLeavesOneBlock && session.Region.Size % session.Traits.Unit == 0)
        {
            if (stats.FreeBlockCount != 1 || stats.LargestFreeBlock != session.Region.Size)
            {
                throw session.Fail($"After every allocation was freed the stats are {ByteText.Stats(stats)}, but Traits say freeing " +
                    $"everything leaves one free block: FreeBlockCount 1 and LargestFreeBlock {ByteText.Size(session.Region.Size)}.");
            }
            session.Allocate(session.Region.Size, g, "every allocation was freed and Traits say that leaves the whole region one free block.");
            session.FreeAll();
        }
    }

    /// <summary>Allocates random sizes (up to 64 granules, sometimes 8 times more) and alignments (up to 64
    /// granules) until 32 requests in a row fail or 1,500 succeed.</summary>
    private static void AllocateUntilStuck(AllocatorSession session, Random random)
    {
        ulong g = session.Granule;
        int failuresInARow = 0;
        for (int placed = 0; failuresInARow < 32 && placed < 1500;)
        {
            ulong size = (ulong)random.Next(1, 65) * g * (random.Next(4) == 0 ? 8UL : 1UL);
            ulong alignment = g << random.Next(0, 7);
            if (session.TryAllocate(size, alignment, out _))
            {
                placed++;
                failuresInARow = 0;
            }
            else
            {
                failuresInARow++;
            }
        }
    }
}
