namespace Cma.Conformance;

/// <summary>Checks of alignment: of the absolute address (not the offset in the region), larger than the request,
/// equal to the region size.</summary>
internal static class AlignmentChecks
{
    /// <summary>In a region whose start is aligned to nothing above the granule, asks for 1, 3 and N granules at
    /// every alignment N from the granule to 256 granules; every request has room and must be placed aligned.</summary>
    public static void AlignedToTheRequest(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 1, 4096));
        ulong g = session.Granule;
        for (int shift = 0; shift <= 8; shift++)
        {
            ulong alignment = g << shift;
            foreach (ulong size in (ReadOnlySpan<ulong>)[g, 3 * g, alignment])
                session.Allocate(size, alignment, "the region has room for every request of this check.");
        }
        session.FreeAll();
    }

    /// <summary>Asks for one granule at 64-granule alignment 16 times and 16 granules at 256-granule alignment
    /// 4 times; each must be placed, aligned, and apart from the others.</summary>
    public static void AlignmentLargerThanTheSize(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 1, 4096));
        ulong g = session.Granule;
        for (int i = 0; i < 16; i++)
            session.Allocate(g, 64 * g, $"the region holds 64 addresses aligned to {ByteText.Size(64 * g)} and {i} are taken.");
        for (int i = 0; i < 4; i++)
            session.Allocate(16 * g, 256 * g, $"the region holds 16 addresses aligned to {ByteText.Size(256 * g)} and at most {16 + i} are taken.");
        session.FreeAll();
    }

    /// <summary>On a region aligned to its own size, the whole region and a granule at that alignment must be placed
    /// at its start; on a region one granule past it, the only aligned address is the last granule.</summary>
    public static void AlignmentEqualToTheRegionSize(ConformanceContext context)
    {
        ulong g = context.Granule;
        using (var aligned = new AllocatorSession(context, KitRegions.Create(context, 0, 1024)))
        {
            ulong size = aligned.Region.Size;
            ulong whole = aligned.Allocate(size, size, "the region is free and its start is aligned to its size.");
            if (whole != 0)
                aligned.Free(whole);
            aligned.Allocate(g, size, "the region is free and its start is aligned to the requested alignment.");
            aligned.FreeAll();
        }

        using var shifted = new AllocatorSession(context, KitRegions.Create(context, 1, 1024));
        ulong regionSize = shifted.Region.Size;
        if (shifted.TryAllocate(regionSize, regionSize, out _))
            throw shifted.Fail("TryAllocate placed a request that no range of the region can hold.");
        if (shifted.Traits.Unit == g)
            shifted.Allocate(g, regionSize, $"the region's last granule, at 0x{shifted.Region.End - g:X}, is free and aligned to {ByteText.Size(regionSize)}.");
        else
            shifted.TryAllocate(g, regionSize, out _);
        shifted.FreeAll();
    }

    /// <summary>In a region that starts one granule past 1 GiB, asks for 1 MiB-like and 2 MiB-like alignments
    /// (256 and 512 granules); an allocator that aligns the offset in the region instead of the address fails.</summary>
    public static void AlignmentOfTheAbsoluteAddress(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 1, 2048));
        ulong g = session.Granule;
        for (int i = 0; i < 2; i++)
            session.Allocate(g, 256 * g, $"the region holds 8 addresses aligned to {ByteText.Size(256 * g)} and {i} are taken.");
        session.Allocate(16 * g, 512 * g, $"the region holds 3 places for {ByteText.Size(16 * g)} aligned to {ByteText.Size(512 * g)} and at most 2 are taken.");
        session.FreeAll();
    }
}
