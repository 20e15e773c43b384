namespace Cma.Conformance;

/// <summary>What the exact-placement checks share.</summary>
internal static partial class ExactPlacementChecks
{
    /// <summary><paramref name="value"/> rounded up to a multiple of the power of two <paramref name="step"/>.</summary>
    private static ulong AlignUp(ulong value, ulong step) => (value + step - 1) & ~(step - 1);

    /// <summary>Reserves <c>[address, address + size)</c> of free space and checks that the free bytes dropped by exactly
    /// what the traits say it reserves. False when an allocator that may refuse ranges refused it.</summary>
    private static bool ExpectExactDrop(AllocatorSession session, ulong address, ulong size)
    {
        CmaAllocatorStats before = session.Stats();
        if (!session.Reserve(address, size, "the range is free"))
            return false;
        CmaAllocatorStats after = session.Stats();
        ulong reserved = session.Traits.ReservedBytes(size);
        if (before.FreeBytes - after.FreeBytes != reserved)
        {
            throw session.Fail($"TryReserve(0x{address:X}, {ByteText.Size(size)}) took FreeBytes from {ByteText.Size(before.FreeBytes)} to " +
                $"{ByteText.Size(after.FreeBytes)}, but a reserve takes exactly Traits.ReservedBytes({ByteText.Size(size)}) = {ByteText.Size(reserved)}.");
        }
        return true;
    }

    /// <summary>The same start on both allocators of the occupied-range check: eight 24-unit allocations, every other
    /// one freed, then a 4-unit and an 8-unit reserve at the first free ranges aligned to their size.</summary>
    private static void PrepareOccupied(AllocatorSession session)
    {
        ulong u = session.Context.RegionUnit;
        var chunks = new ulong[8];
        for (int i = 0; i < chunks.Length; i++)
            chunks[i] = session.Allocate(24 * u, u, "the region of 1024 units holds eight of 24.");
        for (int i = 1; i < chunks.Length; i += 2)
            session.Free(chunks[i]);
        ReserveFirstFree(session, 4 * u);
        ReserveFirstFree(session, 8 * u);
    }

    /// <summary>Reserves the first range of <paramref name="size"/> (a power of two of units), at an absolute address
    /// aligned to it, whose footprint is free; returns its address, or 0 when there is none or it was refused.</summary>
    private static ulong ReserveFirstFree(AllocatorSession session, ulong size)
    {
        for (ulong at = AlignUp(session.Region.Start, size); at <= session.Region.End - size; at += size)
        {
            if (session.FootprintOverlap(at, session.Footprint(at, size)) is null)
                return session.Reserve(at, size, "no live allocation reaches it") ? at : 0;
        }
        return 0;
    }

    /// <summary>Allocates random sizes (1–64 units) and alignments (1–64 units) until 32 requests in a row fail or
    /// 1,000 succeed; the session checks that none overlaps a live allocation or a reserved range.</summary>
    private static void AllocateUntilStuck(AllocatorSession session, Random random)
    {
        ulong u = session.Context.RegionUnit;
        int failuresInARow = 0;
        for (int placed = 0; failuresInARow < 32 && placed < 1000;)
        {
            if (session.TryAllocate((ulong)random.Next(1, 65) * u, u << random.Next(0, 7), out _))
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

    /// <summary>Frees every live allocation and reserve (shuffled by <paramref name="random"/> if given) and expects the
    /// fresh allocator's stats: freeing a reserved range coalesces like freeing an allocation.</summary>
    private static void ExpectFreshStatsAfterFreeingAll(AllocatorSession session, Random? random)
    {
        session.FreeAll(random);
        CmaAllocatorStats stats = session.CheckStats();
        if (stats != session.InitialStats)
        {
            throw session.Fail($"After every allocation and reserve was freed the stats are {ByteText.Stats(stats)}, but the fresh allocator reported " +
                $"{ByteText.Stats(session.InitialStats)}: freeing a reserved range must coalesce like freeing an allocation.");
        }
    }
}
