namespace Cma.Conformance;

/// <summary>Checks of exhaustion: a full region and an impossible request give <see langword="false"/>, never an
/// exception, and the allocator keeps working; granule requests fill a region exactly.</summary>
internal static class ExhaustionChecks
{
    /// <summary>Fills a region with 16-granule chunks then single granules until refused; every further request
    /// must return false; after freeing one chunk its size must be placed again.</summary>
    public static void FullRegionReturnsFalse(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 0, 1024));
        ulong g = session.Granule;
        while (session.TryAllocate(16 * g, g, out _))
        {
        }
        while (session.TryAllocate(g, g, out _))
        {
        }
        if (session.Region.Size % session.Traits.Unit == 0 && session.Model.ExpectedFreeBytes != 0)
        {
            throw session.Fail($"TryAllocate refused a granule while {ByteText.Size(session.Model.ExpectedFreeBytes)} of the region " +
                "are not reserved by any live allocation: a region that the rounding unit tiles must fill completely.");
        }
        foreach ((ulong size, ulong alignment) in (ReadOnlySpan<(ulong, ulong)>)[(g, g), (16 * g, g), (1024 * g, g), (g, 256 * g), (2048 * g, g)])
        {
            if (session.TryAllocate(size, alignment, out _))
                throw session.Fail("TryAllocate placed a request after refusing a granule with nothing freed since: false must mean the request cannot be placed.");
        }
        LiveAllocation chunk = Array.Find(session.Model.ToArrayByAddress(), live => live.Size == 16 * g);
        if (chunk.Size != 0)
        {
            session.Free(chunk.Address);
            session.Allocate(16 * g, g, $"the chunk at 0x{chunk.Address:X} was just freed: a full region must keep working.");
        }
        session.FreeAll();
    }

    /// <summary>Fills a region of 1000 granules with granule requests: it must take exactly the region size divided
    /// by what one granule request reserves per the traits.</summary>
    public static void GranuleRequestsFillTheRegionExactly(ConformanceContext context) =>
        FillWithGranules(context, KitRegions.Create(context, 0, 1000));

    /// <summary>Requests larger than the region, with an alignment no address of the region has, or near 2^64 must
    /// return false and change nothing; the allocator must keep working.</summary>
    public static void UnplaceableRequestsReturnFalse(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 1, 2048));
        ulong g = session.Granule;
        ulong size = session.Region.Size;
        foreach ((ulong s, ulong alignment) in (ReadOnlySpan<(ulong, ulong)>)[
            (size + g, g), (ulong.MaxValue & ~(g - 1), g), (g, 1UL << 40), (g, 1UL << 63), (size, size), (1UL << 40, g)])
        {
            if (session.TryAllocate(s, alignment, out _))
                throw session.Fail("TryAllocate placed a request that no range of the region can hold.");
        }
        session.Allocate(g, g, "the region is free: refusing impossible requests must leave the allocator working.");
        session.Allocate(1024 * g, g, "the region is nearly free: refusing impossible requests must leave the allocator working.");
        session.FreeAll();
    }

    /// <summary>Fills <paramref name="region"/> with granule requests, expects the count the traits give, and that
    /// the first and last granules are used when the rounding unit is the granule; frees everything.</summary>
    internal static void FillWithGranules(ConformanceContext context, CmaRegion region)
    {
        using var session = new AllocatorSession(context, region);
        ulong g = session.Granule;
        ulong expected = region.Size / session.Traits.ReservedBytes(g);
        ulong placed = 0;
        while (session.TryAllocate(g, g, out _))
            placed++;
        if (placed != expected)
        {
            throw session.Fail($"The region of {ByteText.Size(region.Size)} took {placed} granule requests; each reserves " +
                $"{ByteText.Size(session.Traits.ReservedBytes(g))} per Traits, so it must take exactly {expected}.");
        }
        if (session.Traits.Unit == g && (!session.Model.TryGet(region.Start, out _) || !session.Model.TryGet(region.End - g, out _)))
            throw session.Fail("The region is full of granule requests, yet its first or last granule was never handed out.");
        session.FreeAll(new Random(3));
    }
}
