using Cma.Runtime.Regions;

namespace Cma.Host.Tests.Regions;

/// <summary>Tests of <see cref="FreeGapTree"/>: a seeded randomized comparison with a brute-force model, and
/// constructed cases (merging, alignment past a misaligned gap, ranges at the top of the address space).</summary>
public sealed class FreeGapTreeTests
{
    /// <summary>Bytes per model granule.</summary>
    private const ulong Granule = 16;

    /// <summary>Granules in the randomized region.</summary>
    private const int Granules = 2048;

    /// <summary>First address of the randomized region (non-zero, 4096-aligned).</summary>
    private const ulong Base = 0x10000;

    /// <summary>Random steps per seed.</summary>
    private const int Steps = 20_000;

    /// <summary>Random operations on the tree and on a bool-per-granule model give the same answers and the same
    /// gaps after every step.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1234)]
    [InlineData(987654)]
    public void MatchesBruteForceModel(int seed)
    {
        var random = new Random(seed);
        var model = new Model();
        var tree = new FreeGapTree(Base, Granules * Granule);
        var gaps = new List<(ulong Start, ulong End)>();
        for (int step = 0; step < Steps; step++)
        {
            switch (random.Next(7))
            {
                case 0 or 1:
                    Occupy(random, model, tree);
                    break;
                case 2 or 3:
                    Release(random, model, tree);
                    break;
                case 4:
                    FindHighest(random, model, tree);
                    break;
                case 5:
                    FindLowest(random, model, tree);
                    break;
                default:
                    CheckIsFreeAndFreeAround(random, model, tree);
                    break;
            }
            CheckState(model, tree, gaps);
        }
    }

    /// <summary>Occupying the whole range leaves no gap; releasing it in pieces merges them back into one.</summary>
    [Fact]
    public void OccupyAllThenReleaseMergesToOneGap()
    {
        var tree = new FreeGapTree(0x1000, 0x3000);
        Assert.True(tree.TryOccupy(0x1000, 0x3000));
        Assert.Equal((0UL, 0, 0UL), (tree.FreeBytes, tree.GapCount, tree.LargestGap));
        Assert.False(tree.TryFindHighest(1, 1, 0, out _));
        Assert.False(tree.TryFindLowest(1, 1, ulong.MaxValue, out _));
        Assert.Equal((0x1000UL, 0x4000UL), tree.FreeAround(0x1000, 0x3000));
        Assert.True(tree.TryRelease(0x2000, 0x1000));
        Assert.False(tree.TryRelease(0x2800, 0x1000)); // overlaps the released gap
        Assert.True(tree.TryRelease(0x1000, 0x1000));
        Assert.True(tree.TryRelease(0x3000, 0x1000));
        Assert.Equal([(0x1000UL, 0x4000UL)], Gaps(tree));
        Assert.Equal((0x3000UL, 1, 0x3000UL), (tree.FreeBytes, tree.GapCount, tree.LargestGap));
    }

    /// <summary>Releasing the range between two gaps merges the three into one.</summary>
    [Fact]
    public void ReleaseTouchingBothNeighboursMergesThree()
    {
        var tree = new FreeGapTree(0, 0x10000);
        Assert.True(tree.TryOccupy(0x4000, 0x2000));
        Assert.Equal([(0UL, 0x4000UL), (0x6000UL, 0x10000UL)], Gaps(tree));
        Assert.Equal((0UL, 0x10000UL), tree.FreeAround(0x4000, 0x2000));
        Assert.Equal((0x5000UL, 0x10000UL), tree.FreeAround(0x5000, 0x1000)); // [0x4000, 0x5000) stays occupied
        Assert.False(tree.TryRelease(0x3FF0, 0x20)); // overlaps the lower gap
        Assert.True(tree.TryRelease(0x4000, 0x2000));
        Assert.Equal([(0UL, 0x10000UL)], Gaps(tree));
        Assert.Equal((0x10000UL, 1, 0x10000UL), (tree.FreeBytes, tree.GapCount, tree.LargestGap));
    }

    /// <summary>A gap long enough but misaligned is passed over for a smaller aligned one, in both directions.</summary>
    [Fact]
    public void AlignmentSearchesPastLongEnoughMisalignedGap()
    {
        var tree = new FreeGapTree(0, 0x10000);
        // Gaps: [0x1000, 0x2000), and [0x8010, 0x8FF0): longer, but with no multiple of 0x1000 inside it.
        Assert.True(tree.TryOccupy(0, 0x1000));
        Assert.True(tree.TryOccupy(0x2000, 0x8010 - 0x2000));
        Assert.True(tree.TryOccupy(0x8FF0, 0x10000 - 0x8FF0));
        Assert.Equal([(0x1000UL, 0x2000UL), (0x8010UL, 0x8FF0UL)], Gaps(tree));
        Assert.True(tree.TryFindHighest(0x100, 0x1000, 0, out ulong high));
        Assert.Equal(0x1000UL, high);
        Assert.False(tree.TryFindHighest(0x100, 0x1000, 0x1001, out _));
        Assert.True(tree.TryFindHighest(0x100, 0x10, 0, out high));
        Assert.Equal(0x8EF0UL, high);
        // Lowest: with the low gap taken, the misaligned high gap must be passed and nothing found.
        Assert.True(tree.TryOccupy(0x1000, 0x1000));
        Assert.False(tree.TryFindLowest(0x100, 0x1000, ulong.MaxValue, out _));
        Assert.True(tree.TryFindLowest(0x100, 0x100, ulong.MaxValue, out ulong low));
        Assert.Equal(0x8100UL, low);
        Assert.False(tree.TryFindLowest(0x100, 0x100, 0x81FF, out _));
    }

    /// <summary>A region ending at the top of the address space: searches, aligning up and releases at the end do
    /// not overflow.</summary>
    [Fact]
    public void RegionAtTopOfAddressSpace()
    {
        const ulong size = 0x3000;
        ulong start = ulong.MaxValue - size; // end = ulong.MaxValue, start is misaligned by 0xFFF
        var tree = new FreeGapTree(start, size);
        Assert.Equal(ulong.MaxValue, tree.End);
        Assert.True(tree.TryFindHighest(0x1000, 0x1000, 0, out ulong high));
        Assert.Equal(ulong.MaxValue - 0x1FFF, high);
        Assert.True(tree.TryFindLowest(0x1000, 0x1000, ulong.MaxValue, out ulong low));
        Assert.Equal(ulong.MaxValue - 0x2FFF, low); // start aligned up
        Assert.False(tree.TryFindLowest(0x2000, 0x2000, ulong.MaxValue, out _));
        Assert.False(tree.TryFindLowest(1, 1UL << 63, ulong.MaxValue, out _)); // aligning up would overflow
        Assert.False(tree.IsFree(ulong.MaxValue - 0x10, 0x20)); // past the end
        Assert.True(tree.IsFree(ulong.MaxValue - 0x10, 0x10));
        Assert.True(tree.TryOccupy(ulong.MaxValue - 0x10, 0x10));
        Assert.Equal((start, ulong.MaxValue), tree.FreeAround(ulong.MaxValue - 0x10, 0x10));
        Assert.False(tree.TryRelease(ulong.MaxValue - 0x10, 0x20)); // out of range
        Assert.False(tree.TryRelease(ulong.MaxValue - 0x8, ulong.MaxValue)); // out of range, would overflow
        Assert.True(tree.TryRelease(ulong.MaxValue - 0x10, 0x10));
        Assert.Equal([(start, ulong.MaxValue)], Gaps(tree));
    }

    /// <summary>The tree's gaps as a list.</summary>
    private static List<(ulong Start, ulong End)> Gaps(FreeGapTree tree)
    {
        var gaps = new List<(ulong Start, ulong End)>();
        tree.CopyGapsTo(gaps);
        return gaps;
    }

    /// <summary>A random granule range, sometimes partly or wholly outside the region.</summary>
    private static (int First, int Count) RandomRange(Random random)
    {
        int count = random.Next(8) == 0 ? random.Next(1, Granules / 2) : random.Next(1, 48);
        int first = random.Next(-4, Granules + 4 - count / 2);
        return (first, count);
    }

    /// <summary>The address of granule <paramref name="granule"/> (may be outside the region).</summary>
    private static ulong Address(int granule) => (ulong)((long)Base + (granule * (long)Granule));

    /// <summary>A random occupy, compared with the model and applied to it.</summary>
    private static void Occupy(Random random, Model model, FreeGapTree tree)
    {
        (int first, int count) = RandomRange(random);
        bool expected = model.AllAre(first, count, free: true);
        Assert.Equal(expected, tree.TryOccupy(Address(first), (ulong)count * Granule));
        if (expected)
            model.Set(first, count, free: false);
    }

    /// <summary>A random release (half of them of an occupied range), compared with the model and applied to it.</summary>
    private static void Release(Random random, Model model, FreeGapTree tree)
    {
        (int first, int count) = RandomRange(random);
        if (random.Next(2) == 0 && model.TryOccupiedRun(random, out int runFirst, out int runCount))
            (first, count) = (runFirst, runCount);
        bool expected = model.AllAre(first, count, free: false);
        Assert.Equal(expected, tree.TryRelease(Address(first), (ulong)count * Granule));
        if (expected)
            model.Set(first, count, free: true);
    }

    /// <summary>A random highest-fit search, compared with a brute-force scan.</summary>
    private static void FindHighest(Random random, Model model, FreeGapTree tree)
    {
        (ulong size, ulong alignment) = RandomRequest(random);
        ulong lowest = random.Next(3) == 0 ? 0 : Address(random.Next(-4, Granules + 4)) + (ulong)random.Next(16);
        ulong highestEnd = random.Next(2) == 0 ? ulong.MaxValue : Address(random.Next(-4, Granules + 4)) + (ulong)random.Next(16);
        int sizeGranules = (int)((size + Granule - 1) / Granule);
        int[] runs = model.FreeRuns();
        bool found = false;
        ulong expected = 0;
        for (int g = Granules - sizeGranules; g >= 0 && !found; g--)
        {
            ulong at = Address(g);
            if (at % alignment == 0 && at >= lowest && at + size <= highestEnd && runs[g] >= sizeGranules)
                (found, expected) = (true, at);
        }
        bool bounded = highestEnd != ulong.MaxValue;
        Assert.Equal((found, expected), bounded
            ? (tree.TryFindHighest(size, alignment, lowest, highestEnd, out ulong actual), actual)
            : (tree.TryFindHighest(size, alignment, lowest, out actual), actual));
    }

    /// <summary>A random lowest-fit search, compared with a brute-force scan.</summary>
    private static void FindLowest(Random random, Model model, FreeGapTree tree)
    {
        (ulong size, ulong alignment) = RandomRequest(random);
        ulong highestEnd = random.Next(3) == 0
            ? ulong.MaxValue
            : Address(random.Next(-4, Granules + 4)) + (ulong)random.Next(16);
        ulong lowest = random.Next(2) == 0 ? 0 : Address(random.Next(-4, Granules + 4)) + (ulong)random.Next(16);
        int sizeGranules = (int)((size + Granule - 1) / Granule);
        int[] runs = model.FreeRuns();
        bool found = false;
        ulong expected = 0;
        for (int g = 0; g + sizeGranules <= Granules && !found; g++)
        {
            ulong at = Address(g);
            if (at % alignment == 0 && at >= lowest && at + size <= highestEnd && runs[g] >= sizeGranules)
                (found, expected) = (true, at);
        }
        Assert.Equal((found, expected), lowest != 0
            ? (tree.TryFindLowest(size, alignment, lowest, highestEnd, out ulong actual), actual)
            : (tree.TryFindLowest(size, alignment, highestEnd, out actual), actual));
    }

    /// <summary>A random request: a size in bytes (not always whole granules) and an alignment of 16..4096.</summary>
    private static (ulong Size, ulong Alignment) RandomRequest(Random random)
    {
        ulong size = random.Next(4) == 0 ? (ulong)random.Next(1, 64 * 16) : (ulong)random.Next(1, 16) * Granule;
        return (size, 16UL << random.Next(9));
    }

    /// <summary>Random <see cref="FreeGapTree.IsFree"/> and <see cref="FreeGapTree.FreeAround"/> checks.</summary>
    private static void CheckIsFreeAndFreeAround(Random random, Model model, FreeGapTree tree)
    {
        (int first, int count) = RandomRange(random);
        Assert.Equal(model.AllAre(first, count, free: true), tree.IsFree(Address(first), (ulong)count * Granule));
        if (!model.TryOccupiedRun(random, out first, out count))
            return;
        int low = first;
        while (low > 0 && model.Free[low - 1])
            low--;
        int high = first + count;
        while (high < Granules && model.Free[high])
            high++;
        Assert.Equal((Address(low), Address(high)), tree.FreeAround(Address(first), (ulong)count * Granule));
    }

    /// <summary>The tree's counters and gaps equal the model's.</summary>
    private static void CheckState(Model model, FreeGapTree tree, List<(ulong Start, ulong End)> gaps)
    {
        List<(ulong Start, ulong End)> expected = model.Gaps();
        gaps.Clear();
        tree.CopyGapsTo(gaps);
        if (!expected.SequenceEqual(gaps))
            Assert.Equal(expected, gaps); // reports the difference
        ulong free = 0, largest = 0;
        foreach ((ulong start, ulong end) in expected)
            (free, largest) = (free + (end - start), Math.Max(largest, end - start));
        if ((free, expected.Count, largest) != (tree.FreeBytes, tree.GapCount, tree.LargestGap))
            Assert.Equal((free, expected.Count, largest), (tree.FreeBytes, tree.GapCount, tree.LargestGap));
    }

    /// <summary>The brute-force model: one flag per granule.</summary>
    private sealed class Model
    {
        /// <summary>Whether each granule is free; all are at first.</summary>
        public bool[] Free { get; } = Enumerable.Repeat(true, Granules).ToArray();

        /// <summary>Whether the range is inside the region and every granule has the given state.</summary>
        public bool AllAre(int first, int count, bool free)
        {
            if (first < 0 || first + count > Granules)
                return false;
            for (int i = first; i < first + count; i++)
            {
                if (Free[i] != free)
                    return false;
            }
            return true;
        }

        /// <summary>Sets the state of a range inside the region.</summary>
        public void Set(int first, int count, bool free) => Array.Fill(Free, free, first, count);

        /// <summary>A random range of occupied granules (from a random occupied granule, up to 32 long); false when
        /// the probe lands on a free granule.</summary>
        public bool TryOccupiedRun(Random random, out int first, out int count)
        {
            first = random.Next(Granules);
            count = 0;
            int limit = random.Next(1, 33);
            while (first + count < Granules && count < limit && !Free[first + count])
                count++;
            return count > 0;
        }

        /// <summary>For each granule, the number of free granules starting there (0 for an occupied one).</summary>
        public int[] FreeRuns()
        {
            int[] runs = new int[Granules + 1];
            for (int i = Granules - 1; i >= 0; i--)
                runs[i] = Free[i] ? runs[i + 1] + 1 : 0;
            return runs;
        }

        /// <summary>The maximal free runs as address intervals, in order.</summary>
        public List<(ulong Start, ulong End)> Gaps()
        {
            var gaps = new List<(ulong Start, ulong End)>();
            for (int i = 0; i < Granules;)
            {
                if (!Free[i])
                {
                    i++;
                    continue;
                }
                int start = i;
                while (i < Granules && Free[i])
                    i++;
                gaps.Add((Address(start), Address(i)));
            }
            return gaps;
        }
    }
}
