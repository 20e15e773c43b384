namespace Cma.Plugins.Tests.Bitmap;

/// <summary>The bitmap allocator against a naive model (one bool per bit, searched bit by bit) on a region whose
/// summary tree has several levels, each padded: every placement and every stats snapshot must agree.</summary>
public sealed class BitmapModelTests
{
    private const ulong K4 = 4096;

    /// <summary>Not a multiple of 256 bits nor of the tree's fan-out: 157 blocks, the last one partial.</summary>
    private const int Bits = 40_001;

    /// <summary>A start three granules past a 1 GiB boundary, so absolute alignment differs from offset alignment.</summary>
    private const ulong Start = (1UL << 30) + 3 * K4;

    [Theory]
    [InlineData("first")]
    [InlineData("next")]
    [InlineData("best")]
    public void Seeded_operations_place_every_request_where_a_bit_by_bit_search_would(string fit)
    {
        ICmaAllocator allocator = FirstPartyPlugins.Create("bitmap", new CmaRegion("r", Start, Bits * K4, K4), new Dictionary<string, string?> { ["Fit"] = fit });
        var used = new bool[Bits];
        var live = new List<(int Bit, int Count)>();
        var random = new Random(20261124);
        int hint = 0;
        for (int op = 0; op < 2500; op++)
        {
            if (live.Count > 0 && random.Next(100) < 45)
            {
                int i = random.Next(live.Count);
                allocator.Free(Start + (ulong)live[i].Bit * K4, (ulong)live[i].Count * K4);
                Array.Fill(used, false, live[i].Bit, live[i].Count);
                live.RemoveAt(i);
            }
            else
            {
                int count = random.Next(10) == 0 ? random.Next(200, 4000) : random.Next(1, 40);
                int step = 1 << random.Next(op % 5 == 0 ? 12 : 6); // up to 2048 bits: longer than a block and a level-1 node
                int expected = fit switch
                {
                    "best" => BestFit(used, count, step),
                    "next" => FirstFit(used, count, step, hint) is var s && s < 0 && hint > 0 ? FirstFit(used, count, step, 0) : s,
                    _ => FirstFit(used, count, step, 0),
                };
                bool placed = allocator.TryAllocate((ulong)count * K4, (ulong)step * K4, out ulong address);

                Assert.Equal(expected >= 0, placed);
                if (placed)
                {
                    Assert.Equal(Start + (ulong)expected * K4, address);
                    Array.Fill(used, true, expected, count);
                    live.Add((expected, count));
                    hint = expected + count;
                }
            }
            Assert.Equal(Stats(used), allocator.Stats);
        }
    }

    /// <summary>The lowest bit ≥ <paramref name="from"/> whose absolute bit number is a multiple of
    /// <paramref name="step"/> and that starts <paramref name="count"/> free bits, or -1.</summary>
    private static int FirstFit(bool[] used, int count, int step, int from)
    {
        for (int runStart = from; runStart < used.Length;)
        {
            int length = FreeFrom(used, runStart);
            int s = runStart;
            while (!IsAligned(s, step))
                s++;
            if (length > 0 && s + count <= runStart + length)
                return s;
            runStart += Math.Max(length, 1);
        }
        return -1;
    }

    /// <summary>The first aligned start in the shortest maximal free run that holds the aligned request (lowest run
    /// among equals), or -1.</summary>
    private static int BestFit(bool[] used, int count, int step)
    {
        int best = -1, bestLength = int.MaxValue;
        for (int runStart = 0; runStart < used.Length;)
        {
            int length = FreeFrom(used, runStart);
            if (length == 0)
            {
                runStart++;
                continue;
            }
            int s = runStart;
            while (!IsAligned(s, step))
                s++;
            if (s + count <= runStart + length && length < bestLength)
                (best, bestLength) = (s, length);
            runStart += length;
        }
        return best;
    }

    private static bool IsAligned(int bit, int step) => ((Start / K4) + (ulong)bit) % (ulong)step == 0;

    private static int FreeFrom(bool[] used, int bit)
    {
        int end = bit;
        while (end < used.Length && !used[end])
            end++;
        return end - bit;
    }

    private static CmaAllocatorStats Stats(bool[] used)
    {
        ulong free = 0, runs = 0, longest = 0, run = 0;
        foreach (bool bit in used)
        {
            run = bit ? 0 : run + 1;
            free += bit ? 0UL : 1;
            runs += run == 1 ? 1UL : 0;
            longest = Math.Max(longest, run);
        }
        return new CmaAllocatorStats(free * K4, longest * K4, runs);
    }
}
