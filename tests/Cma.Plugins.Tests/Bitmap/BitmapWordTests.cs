using Cma.Plugins.Bitmap;

namespace Cma.Plugins.Tests.Bitmap;

/// <summary>The word-level helpers of the bitmap's summary, against a bit-by-bit count (reached through the plugin's
/// InternalsVisibleTo and the test project's plain reference to it).</summary>
public sealed class BitmapWordTests
{
    [Fact]
    public void LongestOnes_matches_a_bit_by_bit_count()
    {
        var words = new List<ulong> { 0, ~0UL, 1, 1UL << 63, ~0UL >> 1, ~0UL << 1, 0x5555_5555_5555_5555, 0x7E0, 0b0111_0011_1110 };
        for (int length = 1; length <= 64; length++)
        {
            for (int at = 0; at + length <= 64; at += Math.Max(1, length / 3))
                words.Add((length == 64 ? ~0UL : (1UL << length) - 1) << at);
        }
        var random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            // Sparse, dense and mixed words: AND/OR of random words give long runs of zeros or ones.
            ulong a = (ulong)random.NextInt64(), b = (ulong)random.NextInt64(), c = (ulong)random.NextInt64();
            words.Add((i % 3) switch { 0 => a & b & c, 1 => a | b | c, _ => a });
        }
        foreach (ulong z in words)
            Assert.True(Naive(z) == ZeroRunTree.LongestOnes(z), $"LongestOnes(0x{z:X16}): expected {Naive(z)}, got {ZeroRunTree.LongestOnes(z)}");
    }

    private static uint Naive(ulong z)
    {
        uint best = 0, run = 0;
        for (int bit = 0; bit < 64; bit++)
        {
            run = ((z >> bit) & 1) != 0 ? run + 1 : 0;
            best = Math.Max(best, run);
        }
        return best;
    }
}
