using Cma.Plugins.Bitmap;

namespace Cma.Plugins.Tests.Bitmap;

/// <summary>The summary tree's aligned search (ZeroRunTree.FindAlignedRun) on its own, against a plain array of bits
/// searched bit by bit: seeded sets and clears, lattice steps from 2 bits to several tree nodes (shorter than, equal to
/// and longer than a block and a level-1 node), every phase, searches from bit 0 and from anywhere. In Debug builds the
/// allocator also compares every aligned search with the run-by-run search (BitmapAllocator.FindFromByRuns).</summary>
public sealed class BitmapAlignedSearchTests
{
    [Theory]
    [InlineData(100, 9)] // one block, no tree above it
    [InlineData(1000, 10)] // 4 blocks under one root
    [InlineData(5000, 11)] // 20 blocks: three levels, the last block partly past the end
    [InlineData(70_001, 12)] // 274 blocks: four levels, padding on each
    public void FindAlignedRun_finds_the_lowest_free_run_on_the_lattice_that_a_plain_bit_array_has(int bits, int seed)
    {
        var tree = new ZeroRunTree(bits);
        var used = new bool[bits];
        var random = new Random(seed);
        for (int step = 0; step < 4000; step++)
        {
            int start = random.Next(bits), count = 1 + random.Next(Math.Min(bits - start, step % 7 == 0 ? Math.Min(3000, bits / 2) : 60));
            ZeroRunModel.SetOrClear(tree, used, start, count);
            ulong mask = (1UL << random.Next(1, 13)) - 1; // lattice steps of 2 .. 4096 bits
            ulong phase = (ulong)random.Next() & mask;
            long from = step % 3 == 0 ? 0 : random.Next(bits), wanted = 1 + random.Next(step % 5 == 0 ? 1500 : 80);

            long found = tree.FindAlignedRun(from, wanted, phase, mask);

            Assert.Equal(FirstAlignedRun(used, from, wanted, phase, mask), found);
        }
        Assert.Equal(used.Count(u => !u), tree.CheckAll().FreeBits);
    }

    [Fact]
    public void A_run_that_reaches_across_wholly_free_nodes_is_found_from_its_first_lattice_bit()
    {
        const int Bits = 64 * 256; // 64 blocks: 8 level-1 nodes under one root
        var tree = new ZeroRunTree(Bits);
        tree.Set(0, 300); // the free run starts at 300, mid-block, and reaches to the end
        tree.Set(5000, 1); // cuts it: [300, 5000) and [5001, end)

        Assert.Equal(512, tree.FindAlignedRun(0, 4000, phase: 0, mask: 255)); // 512 + 4000 ≤ 5000
        Assert.Equal(5120, tree.FindAlignedRun(0, 4600, phase: 0, mask: 255)); // [300, 5000) is too short from 512 on
        Assert.Equal(5001, tree.FindAlignedRun(0, 4600, phase: 5001 % 1024, mask: 1023)); // the lattice bit opens the run
        Assert.Equal(-1, tree.FindAlignedRun(0, 11_000, phase: 0, mask: 4095)); // 8192 + 11000 > 16384
    }

    /// <summary>The lowest s ≥ <paramref name="from"/> with (phase - s) &amp; mask == 0 and bits [s, s + count) free, or -1.</summary>
    private static long FirstAlignedRun(bool[] used, long from, long count, ulong phase, ulong mask)
    {
        for (long s = from; s + count <= used.Length; s++)
        {
            if (((phase - (ulong)s) & mask) == 0 && ZeroRunModel.AllEqual(used, (int)s, (int)count, false))
                return s;
        }
        return -1;
    }
}
