namespace Cma.Conformance;

/// <summary>Checks of placement: every range inside the region, aligned, disjoint from the live ones; the same
/// sequence gives the same addresses.</summary>
internal static class AllocateChecks
{
    /// <summary>Sizes, in granules, that the fills cycle through: small and large, odd and powers of two.</summary>
    private static readonly ulong[] s_sizePattern = [1, 3, 16, 5, 64, 2, 7, 256];

    /// <summary>Fills a region of odd size and unaligned start with mixed sizes, frees every other allocation,
    /// refills at mixed alignments; the session verifies every result.</summary>
    public static void InsideAndDisjoint(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 1, 4093));
        ulong g = session.Granule;
        Fill(session, alignmentCycle: [g]);
        LiveAllocation[] live = session.Model.ToArrayByAddress();
        for (int i = 1; i < live.Length; i += 2)
            session.Free(live[i].Address);
        Fill(session, alignmentCycle: [g, 4 * g, 16 * g, 2 * g]);
        session.FreeAll();
    }

    /// <summary>Runs one scripted sequence on two fresh allocators of the same region and compares the addresses.</summary>
    public static void Deterministic(ConformanceContext context)
    {
        List<ulong> first = RunScript(context);
        List<ulong> second = RunScript(context);
        for (int i = 0; i < Math.Min(first.Count, second.Count); i++)
        {
            if (first[i] != second[i])
            {
                throw new ConformanceFailure(
                    $"The same sequence of {first.Count} requests gave different results on two allocators of the same region: " +
                    $"request {i + 1} returned {Show(first[i])} the first time and {Show(second[i])} the second. " +
                    "An allocator must be deterministic: the same operations give the same addresses.");
            }
        }
    }

    /// <summary>Places the size pattern at the alignments given, in turn, until eight requests in a row fail.</summary>
    private static void Fill(AllocatorSession session, ulong[] alignmentCycle)
    {
        int failuresInARow = 0;
        for (int i = 0; failuresInARow < s_sizePattern.Length; i++)
        {
            ulong size = s_sizePattern[i % s_sizePattern.Length] * session.Granule;
            ulong alignment = alignmentCycle[i % alignmentCycle.Length];
            failuresInARow = session.TryAllocate(size, alignment, out _) ? 0 : failuresInARow + 1;
        }
    }

    /// <summary>A fixed mixed sequence of 3,000 operations; returns what each allocation returned (0 for false).</summary>
    private static List<ulong> RunScript(ConformanceContext context)
    {
        using var session = new AllocatorSession(context, KitRegions.Create(context, 3, 2048));
        ulong g = session.Granule;
        var random = new Random(20101119);
        var results = new List<ulong>();
        for (int i = 0; i < 3000; i++)
        {
            if (session.Model.Count > 0 && random.Next(10) < 4)
            {
                session.Free(session.Model[random.Next(session.Model.Count)].Address);
                continue;
            }
            ulong size = (ulong)random.Next(1, 65) * g;
            ulong alignment = g << random.Next(0, 5);
            results.Add(session.TryAllocate(size, alignment, out ulong address) ? address : 0);
        }
        session.FreeAll();
        return results;
    }

    /// <summary>An address, or "false" for a failed request.</summary>
    private static string Show(ulong address) => address == 0 ? "false" : $"0x{address:X}";
}
