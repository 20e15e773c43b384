namespace Cma.Conformance;

/// <summary>Checks of region shapes: a size that is not a power of two with an unaligned start, the largest
/// region the allocator supports (2^48 bytes at most), and a region past that, which must be refused.</summary>
internal static class RegionChecks
{
    /// <summary>The largest region the checks create, whatever the traits allow: 2^48 bytes (256 TiB).</summary>
    public const ulong LargestRegionTested = 1UL << 48;

    /// <summary>A region of 1283 granules starting three granules past 1 GiB fills with granule requests to exactly
    /// its size over what one reserves, to its first and last granule.</summary>
    public static void OddRegionIsUsableToItsEnd(ConformanceContext context) =>
        ExhaustionChecks.FillWithGranules(context, KitRegions.Create(context, 3, 1283));

    /// <summary>On the largest region the allocator supports (at most 2^48 bytes), places a granule aligned to half the
    /// region (far from its start), a quarter of the region aligned to its size, a few granules, frees everything,
    /// and expects the initial stats back. (Linear-time allocators pay for the quarter: it is kept to one.)</summary>
    public static void LargestSupportedRegionWorks(ConformanceContext context)
    {
        ulong g = context.Granule;
        ulong unit = context.RegionUnit;
        ulong max = Math.Min(context.DeclaredTraits.MaxRegionSize, LargestRegionTested);
        max = Math.Min(context.Options.Capabilities.MaxRegionSize ?? max, max);
        max = Math.Min(max, ulong.MaxValue - KitRegions.Base) & ~(unit - 1);
        if (max < unit)
            throw new ConformanceFailure($"Traits.MaxRegionSize is {ByteText.Size(max)}, less than one unit of its regions ({ByteText.Size(unit)}).");

        using var session = new AllocatorSession(context, new CmaRegion("conformance", KitRegions.Base, max, g));
        if (max >= 4 * unit)
        {
            ulong half = KitRegions.PowerOfTwoAtMost(max / 2);
            ulong quarter = half / 2;
            session.Allocate(g, half, $"the free region of {ByteText.Size(max)} holds an address aligned to {ByteText.Size(half)} far from its start.");
            session.Allocate(quarter, quarter, $"the region of {ByteText.Size(max)} holds a free range of {ByteText.Size(quarter)} aligned to its size.");
        }
        for (int i = 0; i < 3 && session.Model.ExpectedFreeBytes >= session.Traits.ReservedBytes(g); i++)
            session.Allocate(g, g, "the region has room for a granule.");
        session.FreeAll();
        CmaAllocatorStats stats = session.CheckStats();
        if (stats != session.InitialStats)
        {
            throw session.Fail($"After every allocation was freed the stats are {ByteText.Stats(stats)}, but the fresh allocator " +
                $"reported {ByteText.Stats(session.InitialStats)}.");
        }
    }

    /// <summary>Creating an allocator for a region one region unit larger than <see cref="CmaAllocatorTraits.MaxRegionSize"/>
    /// must throw <see cref="CmaSettingsException"/> with a message (the host shows it as a configuration error).</summary>
    public static void RegionBeyondTheMaximumIsRefused(ConformanceContext context)
    {
        ulong g = context.Granule;
        ulong unit = context.RegionUnit;
        ulong declared = context.DeclaredTraits.MaxRegionSize;
        if (declared > ulong.MaxValue - unit)
            return;
        ulong size = (declared | (unit - 1)) + 1;
        if (size > ulong.MaxValue - KitRegions.Base)
            return;

        var region = new CmaRegion("conformance", KitRegions.Base, size, g);
        Exception? thrown = context.TryCreateAllocator(region, out ICmaAllocator? allocator);
        if (thrown is null)
        {
            allocator?.Dispose();
            throw new ConformanceFailure($"Creating an allocator for a region of {ByteText.Size(size)} succeeded, but Traits.MaxRegionSize " +
                $"is {ByteText.Size(declared)}: Create must refuse a larger region with a CmaSettingsException that says so.");
        }
        if (thrown is not CmaSettingsException)
        {
            throw new ConformanceFailure($"Creating an allocator for a region of {ByteText.Size(size)} (past Traits.MaxRegionSize " +
                $"{ByteText.Size(declared)}) threw {thrown.GetType().Name}: {thrown.Message} It must throw CmaSettingsException, " +
                "which the host reports as a configuration error.", thrown);
        }
        if (string.IsNullOrWhiteSpace(thrown.Message))
            throw new ConformanceFailure("The CmaSettingsException refusing a region past Traits.MaxRegionSize has no message: it must say what is wrong and how to fix it.");
    }
}
