namespace Cma.Plugins.Tests.BestFit;

/// <summary>Best fit's placement is exact: a seeded random sequence is checked placement by placement against a
/// naive model (a sorted list of holes searched in full) — the chosen hole has the smallest size that holds the
/// aligned request, and the chunk sits at the placement rule's offset — long enough to run the allocator's periodic
/// Debug audit several times.</summary>
public sealed class BestFitModelTests
{
    /// <summary>The granule used throughout (16 bytes, see <see cref="BestFitPlacementTests.G"/>).</summary>
    private const ulong G = BestFitPlacementTests.G;

    [Theory]
    [InlineData(1, 0UL)]
    [InlineData(2, 3 * G)]
    [InlineData(3, (1UL << 62) + 5 * G)]
    public void Every_placement_is_the_smallest_aligned_fit_of_a_naive_model(int seed, ulong start)
    {
        var random = new Random(seed);
        const ulong size = 512 * G;
        using ICmaAllocator bestFit = BestFitPlacementTests.Create(start, size);
        var model = new BestFitModel(start, size);

        for (int op = 0; op < 3000; op++)
        {
            if (model.Live.Count == 0 || random.Next(100) < 55)
            {
                ulong request = (ulong)random.Next(1, random.Next(2) == 0 ? 4 : 40) * G;
                ulong alignment = G << random.Next(0, random.Next(2) == 0 ? 1 : 7);
                model.Allocate(bestFit, request, alignment);
            }
            else
            {
                model.FreeRandom(bestFit, random);
            }
            Assert.Equal((ulong)model.Holes.Count, bestFit.Stats.FreeBlockCount);
        }
    }
}
