using Cma.Plugins.Bitmap;

namespace Cma.Plugins.Tests.Bitmap;

/// <summary>The bitmap's summary tree on its own, reached through the plugin's InternalsVisibleTo: seeded sets and
/// clears against a plain array of bits. In Debug builds every step also cross-checks the word and vector fast paths
/// against the scalar reference (ZeroRunTree.Reference.cs).</summary>
public sealed class BitmapZeroRunTreeTests
{
    [Fact]
    public void The_plugin_referenced_for_its_internals_shares_the_contract_with_the_catalog_loaded_plugin()
    {
        ICmaAllocatorProvider loaded = FirstPartyPlugins.Provider("bitmap");

        ICmaAllocatorProvider referenced = new BitmapAllocatorProvider();

        Assert.NotSame(typeof(BitmapAllocatorProvider), loaded.GetType()); // the catalog's copy is in its own load context
        Assert.Same(typeof(ICmaAllocatorProvider), loaded.GetType().GetInterface(nameof(ICmaAllocatorProvider)));
        Assert.Equal(loaded.Name, referenced.Name);
    }

    [Fact]
    public void FindRun_finds_the_first_free_run_a_plain_bit_array_has_after_seeded_sets_and_clears()
    {
        const int Bits = 5000; // 20 blocks: three levels, the last block partly past the end
        var tree = new ZeroRunTree(Bits);
        var used = new bool[Bits];
        var random = new Random(11);
        for (int step = 0; step < 3000; step++)
        {
            int start = random.Next(Bits), count = 1 + random.Next(Math.Min(Bits - start, step % 7 == 0 ? 900 : 40));
            ZeroRunModel.SetOrClear(tree, used, start, count);
            long from = random.Next(Bits), wanted = 1 + random.Next(step % 5 == 0 ? 1200 : 70);

            long found = tree.FindRun(from, wanted);

            Assert.Equal(FirstRun(used, from, wanted), found);
        }
        Assert.Equal(used.Count(u => !u), tree.CheckAll().FreeBits);
    }

    private static long FirstRun(bool[] used, long from, long count)
    {
        long run = 0;
        for (long bit = from; bit < used.Length; bit++)
        {
            run = used[bit] ? 0 : run + 1;
            if (run == count)
                return bit - count + 1;
        }
        return -1;
    }
}
