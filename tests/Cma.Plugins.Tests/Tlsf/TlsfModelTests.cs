namespace Cma.Plugins.Tests.Tlsf;

/// <summary>The TLSF plugin against a naive model on small regions: seeded random allocations of mixed sizes and
/// alignments and random frees, every placement checked (inside, aligned, disjoint), every refusal checked against the
/// free space, the stats exact after every step, and one free block again each time everything is freed. The runs are
/// long enough for the plugin's periodic Debug check of its whole state to run many times.</summary>
public sealed class TlsfModelTests
{
    /// <summary>The granule used throughout: 4 KiB.</summary>
    private const ulong G = 4096;

    /// <summary>Granules in the test region: not a power of two, so no alignment tiles it.</summary>
    private const int Granules = 1531;

    [Theory]
    [InlineData(1, 5, (1UL << 30) + 5 * G)]
    [InlineData(2, 5, 3 * G)]
    [InlineData(3, 1, (1UL << 30) + 5 * G)]
    [InlineData(4, 2, 7 * G)]
    [InlineData(5, 4, (1UL << 40) + 11 * G)]
    [InlineData(6, 6, (1UL << 30) + 5 * G)]
    [InlineData(7, 5, ulong.MaxValue - (ulong.MaxValue % G) - Granules * G)]
    public void Every_step_agrees_with_a_granule_by_granule_model(int seed, int secondLevelBits, ulong start)
    {
        var random = new Random(seed);
        using ICmaAllocator tlsf = TlsfPlacementTests.Create(start, Granules * G, secondLevelBits);
        var model = new TlsfModel(start, Granules, G);

        for (int op = 0; op < 6000; op++)
        {
            if (model.Live.Count == 0 || random.Next(100) < 55)
                model.Allocate(tlsf, RandomSize(random), G << random.Next(0, random.Next(2) == 0 ? 2 : 11));
            else
                model.Free(tlsf, random.Next(model.Live.Count));

            Assert.Equal(model.ExpectedStats, tlsf.Stats);
            if (op % 1500 == 1499)
            {
                while (model.Live.Count > 0)
                    model.Free(tlsf, random.Next(model.Live.Count));
                Assert.Equal(new CmaAllocatorStats(Granules * G, Granules * G, 1), tlsf.Stats);
            }
        }
    }

    /// <summary>Mostly small requests (which fill the exact classes), some medium, a few large ones.</summary>
    private static ulong RandomSize(Random random) => random.Next(10) switch
    {
        < 6 => (ulong)random.Next(1, 9) * G,
        < 9 => (ulong)random.Next(9, 120) * G,
        _ => (ulong)random.Next(120, 700) * G,
    };
}
