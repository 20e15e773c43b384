namespace Cma.Conformance;

/// <summary>
/// Checks of the optional <see cref="ICmaExactPlacement"/> capability (contract 1.1). They run only on allocators that
/// implement it. Every reserve goes through <see cref="AllocatorSession.TryReserve"/>, which verifies a success against
/// the model (free before, inside the region, disjoint from every live allocation; exact stats afterwards) and a
/// refusal against the stats before it (nothing changed). Ranges are whole region units, at addresses aligned in
/// absolute terms to their power-of-two size where the check wants an allocator that may refuse unrepresentable
/// ranges (a buddy) to accept them too.
/// </summary>
internal static partial class ExactPlacementChecks
{
    /// <summary>On an empty region, reserves ranges of 1, 2, 4 and 8 units 16 units apart (each aligned to its size),
    /// then fills the rest with mixed allocations, frees and refills them: no allocation overlaps a reserved range;
    /// after freeing everything the stats are the fresh allocator's.</summary>
    public static void ReserveThenAllocateNeverOverlaps(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 1, 1024));
        ulong u = context.RegionUnit;
        ulong first = AlignUp(session.Region.Start, 16 * u);
        int reserved = 0;
        for (ulong i = 0; first + (i + 1) * 16 * u <= session.Region.End && i < 48; i++)
        {
            if (session.Reserve(first + i * 16 * u, u << (int)(i % 4), "the region is empty apart from earlier reserves 16 units apart, none of which reaches it"))
                reserved++;
        }
        if (reserved == 0)
            throw session.Fail("TryReserve refused every range of 1, 2, 4 and 8 units, each aligned to its size, of an empty region: an allocator with exact placement must accept at least such ranges.");
        var random = new Random(11);
        AllocateUntilStuck(session, random);
        LiveAllocation[] live = session.Model.ToArrayByAddress();
        random.Shuffle(live);
        for (int i = 0; i < live.Length / 2; i++)
            session.Free(live[i].Address);
        AllocateUntilStuck(session, random);
        ExpectFreshStatsAfterFreeingAll(session, random);
    }

    /// <summary>Reserving a range that overlaps a live allocation or an earlier reserve — the same range, its head,
    /// its tail, a range containing it, one inside it, the whole region — fails and changes nothing: the stats stay
    /// as they were, and a twin allocator that was not asked then places the same 200 requests at the same addresses.</summary>
    public static void ReservingAnOccupiedRangeFailsAndChangesNothing(ConformanceContext context)
    {
        CmaRegion region = KitRegions.Create(context, 1, 1024);
        using var session = new AllocatorSession(context, region);
        using var twin = new AllocatorSession(context, region);
        PrepareOccupied(session);
        PrepareOccupied(twin);
        ulong u = context.RegionUnit;
        foreach (LiveAllocation live in session.Model.ToArrayByAddress())
        {
            string why = $"it overlaps the live range {ByteText.Range(live.Address, live.Size)}.";
            session.ReserveMustFail(live.Address, live.Size, why);
            if (live.Address - region.Start >= u)
            {
                session.ReserveMustFail(live.Address - u, 2 * u, why);
                if (region.End - live.End >= u)
                    session.ReserveMustFail(live.Address - u, live.Size + 2 * u, why);
            }
            if (region.End - live.End >= u)
                session.ReserveMustFail(live.End - u, 2 * u, why);
            if (live.Size >= 3 * u)
                session.ReserveMustFail(live.Address + u, u, why);
        }
        session.ReserveMustFail(region.Start, region.Size, "the region is partly allocated.");

        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            ulong size = (ulong)random.Next(1, 9) * u;
            ulong alignment = u << random.Next(0, 4);
            bool placed = session.TryAllocate(size, alignment, out ulong address);
            bool twinPlaced = twin.TryAllocate(size, alignment, out ulong twinAddress);
            if (placed != twinPlaced || address != twinAddress)
            {
                throw session.Fail($"After refused reserves, TryAllocate({ByteText.Size(size)}, {ByteText.Size(alignment)}) gave " +
                    $"{(placed ? $"0x{address:X}" : "false")}, but an allocator given the same operations without those reserves gave " +
                    $"{(twinPlaced ? $"0x{twinAddress:X}" : "false")}: a refused reserve must change nothing.");
            }
        }
        ExpectFreshStatsAfterFreeingAll(session, random);
    }

    /// <summary>On a region of 1283 units starting 3 units past 1 GiB: reserves the first and the last unit (free bytes
    /// drop by exactly what each reserves), refuses ranges that overlap them, reserves ranges beside them, fills the
    /// rest with one-unit requests to exactly no free bytes, frees everything, and reserves the whole fresh region.</summary>
    public static void ReservesAtTheRegionEdgesAreExact(ConformanceContext context)
    {
        CmaRegion region = KitRegions.Create(context, 3, 1283);
        ulong u = context.RegionUnit;
        using (var session = new AllocatorSession(context, region))
        {
            ulong last = region.End - u;
            if (!ExpectExactDrop(session, region.Start, u) || !ExpectExactDrop(session, last, u))
                return; // an allocator that may refuse ranges refused a single unit: nothing more to check here
            session.ReserveMustFail(region.Start, 2 * u, "its first unit, the region's first, is reserved.");
            session.ReserveMustFail(last - u, 2 * u, "its last unit, the region's last, is reserved.");
            session.ReserveMustFail(region.Start, region.Size, "the region's first and last units are reserved.");
            session.Reserve(region.Start + u, u, "only the unit before it is reserved");
            session.Reserve(last - u, u, "only the unit after it is reserved");
            while (session.TryAllocate(u, u, out _))
            {
            }
            CmaAllocatorStats full = session.CheckStats();
            if (full.FreeBytes != 0)
                throw session.Fail($"One-unit requests stopped with {ByteText.Stats(full)} left: the reserves at the edges must not lose space.");
            ExpectFreshStatsAfterFreeingAll(session, new Random(3));
        }
        using var whole = new AllocatorSession(context, region);
        if (whole.Reserve(region.Start, region.Size, "the region is fresh"))
            ExpectFreshStatsAfterFreeingAll(whole, null);
    }

    /// <summary>Tiles a region aligned to 1 GiB with 4-unit reserves, frees every other one and reserves the gaps again,
    /// then frees everything in a shuffled order: the free space coalesces back to the fresh allocator's (one block
    /// where the traits say so, which a whole-region request then takes). Then the same with back-to-back reserves of
    /// 1 to 7 units from the region's start, for allocators whose reserves are exact.</summary>
    public static void FreeingReservedRangesCoalesces(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 0, 1024));
        ulong u = context.RegionUnit;
        var random = new Random(13);
        var tiles = new List<ulong>();
        for (ulong at = session.Region.Start; at < session.Region.End; at += 4 * u)
        {
            if (session.Reserve(at, 4 * u, "the tiles before it do not reach it"))
                tiles.Add(at);
        }
        for (int i = 0; i < tiles.Count; i += 2)
            session.Free(tiles[i]);
        for (int i = 0; i < tiles.Count; i += 2)
            session.Reserve(tiles[i], 4 * u, "it was just freed and its neighbours are reserved");
        ExpectFreshStatsAfterFreeingAll(session, random);
        if (session.ReserveMayRefuse)
            return;
        for (ulong at = session.Region.Start, size = u; at < session.Region.End; at += size, size = (ulong)random.Next(1, 8) * u)
            session.Reserve(at, Math.Min(size, session.Region.End - at), "the reserves before it end where it starts");
        ExpectFreshStatsAfterFreeingAll(session, random);
        if (session.Traits.FreeAllLeavesOneBlock)
        {
            session.Allocate(session.Region.Size, context.Granule, "every reserve was freed and Traits say that leaves the whole region one free block.");
            session.FreeAll();
        }
    }
}
