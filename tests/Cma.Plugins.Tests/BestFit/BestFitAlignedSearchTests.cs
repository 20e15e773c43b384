namespace Cma.Plugins.Tests.BestFit;

/// <summary>The aligned search skips size classes by their capacity bounds (exact counts in the classes below 64
/// granules, lazy upper bounds in the others) and walks exact classes' lists and wide classes' treaps; none of that may
/// change which size is chosen. Long seeded sequences with mixed alignments, sizes across many classes (small and
/// large chunks, so both placements), and alignments first requested late (so their bounds are built over a populated
/// index) are checked placement by placement (the hole's size and the offset in it) and stat by stat against a naive
/// model; in a Debug build the allocator's periodic audit also checks every bound.</summary>
public sealed class BestFitAlignedSearchTests
{
    /// <summary>The granule used throughout (16 bytes, see <see cref="BestFitPlacementTests.G"/>).</summary>
    private const ulong G = BestFitPlacementTests.G;

    [Theory]
    [InlineData(11, 0UL, 8192UL)]
    [InlineData(12, 3 * G, 8192UL)]
    [InlineData(13, (1UL << 40) + 7 * G, 6000UL)]
    [InlineData(14, 5 * G, 100UL)]
    public void Mixed_alignments_place_exactly_as_a_naive_best_fit_model(int seed, ulong start, ulong granules)
    {
        var random = new Random(seed);
        ulong size = granules * G;
        using ICmaAllocator bestFit = BestFitPlacementTests.Create(start, size);
        var model = new BestFitModel(start, size);

        for (int op = 0; op < 6000; op++)
        {
            if (model.Live.Count == 0 || random.Next(100) < 52)
            {
                ulong request = RandomSize(random, Math.Min(granules / 8, 700));
                // Larger alignments join the mix late: their bounds are first built over existing holes.
                int maxShift = op < 1500 ? 4 : op < 3000 ? 8 : 11;
                ulong alignment = random.Next(3) == 0 ? G : G << random.Next(0, maxShift + 1);
                model.Allocate(bestFit, request, alignment);
            }
            else
            {
                model.FreeRandom(bestFit, random);
            }
            Assert.Equal(model.ExpectedStats, bestFit.Stats);
        }
    }

    [Fact]
    public void A_class_whose_holes_have_no_aligned_room_is_passed_over_for_a_larger_class()
    {
        // Holes of 3 granules ending on 64K boundaries have no 64K-aligned address; a 2-granule 64K-aligned request
        // skips all of them (by the exact class's capacity count) and takes the 40-granule hole, whose start is aligned.
        ulong start = BestFitPlacementTests.AlignedStart;
        using ICmaAllocator bestFit = BestFitPlacementTests.Create(start, 512 * G);
        // Granule-aligned requests carve the region from its start: per 32-granule block a 13-granule chunk, a
        // 3-granule one (freed below, a hole ending on a 64K boundary) and a 16-granule one; then 40 granules and 1.
        var small = new List<ulong>();
        for (int block = 0; block < 8; block++)
        {
            ulong[] chunks = BestFitPlacementTests.AllocateAll(bestFit, 13 * G, 3 * G, 16 * G);
            Assert.Equal(start + ((ulong)block * 32 * G), chunks[0]);
            small.Add(chunks[1]);
        }
        ulong forty = BestFitPlacementTests.AllocateAll(bestFit, 40 * G, G)[0];
        Assert.Equal(start + (256 * G), forty);
        foreach (ulong chunk in small)
            bestFit.Free(chunk, 3 * G);
        bestFit.Free(forty, 40 * G);

        Assert.True(bestFit.TryAllocate(2 * G, 16 * G, out ulong aligned));

        Assert.Equal(forty, aligned); // 64K-aligned already: no padding, the chunk goes at the head
    }

    /// <summary>A granule count skewed to small sizes (most holes and requests in the exact classes) with a tail up
    /// to <paramref name="max"/> granules (wide classes).</summary>
    private static ulong RandomSize(Random random, ulong max)
    {
        ulong granules = random.Next(4) == 0 ? (ulong)random.NextInt64(1, (long)Math.Max(2, max)) : (ulong)random.Next(1, 24);
        return Math.Min(granules, Math.Max(1, max)) * G;
    }
}
