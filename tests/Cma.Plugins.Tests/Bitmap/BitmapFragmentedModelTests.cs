namespace Cma.Plugins.Tests.Bitmap;

/// <summary>The bitmap allocator against a naive model under workload A's shape: sizes log-uniform from 1 to 1024 bits,
/// about 70 % full, so blocks are fragmented into short runs (their re-summaries measure runs inside words), requests
/// span several blocks, and wholly free blocks sit between used ones (runs carried across free children, for requests
/// longer than a child's stretch). Every placement and every stats snapshot must agree; Debug builds also check the
/// touched summaries bit by bit after every operation.</summary>
public sealed class BitmapFragmentedModelTests
{
    private const ulong K4 = 4096;

    /// <summary>79 blocks of 256 bits, the last one partial: a tree of three levels above the leaves.</summary>
    private const int Bits = 20_011;

    /// <summary>A start five granules past a 1 GiB boundary, so absolute alignment differs from offset alignment.</summary>
    private const ulong Start = (1UL << 30) + 5 * K4;

    [Theory]
    [InlineData("first", 1)]
    [InlineData("first", 2)]
    [InlineData("next", 3)]
    public void Log_uniform_sizes_at_seventy_percent_place_every_request_where_a_bit_by_bit_search_would(string fit, int seed)
    {
        ICmaAllocator allocator = FirstPartyPlugins.Create("bitmap", new CmaRegion("r", Start, Bits * K4, K4), new Dictionary<string, string?> { ["Fit"] = fit });
        var used = new bool[Bits];
        var live = new List<(int Bit, int Count)>();
        var random = new Random(seed);
        int hint = 0, usedBits = 0;
        for (int op = 0; op < 6000; op++)
        {
            if (live.Count > 0 && (usedBits > Bits * 7 / 10 || random.Next(100) < 30))
            {
                int i = random.Next(live.Count);
                allocator.Free(Start + (ulong)live[i].Bit * K4, (ulong)live[i].Count * K4);
                Array.Fill(used, false, live[i].Bit, live[i].Count);
                usedBits -= live[i].Count;
                live.RemoveAt(i);
            }
            else
            {
                int count = Math.Max(1, (int)Math.Exp(random.NextDouble() * Math.Log(1025)));
                int step = random.Next(10) switch { 0 => 16, 1 => 256, _ => 1 };
                int expected = FirstFit(used, count, step, fit == "next" ? hint : 0);
                if (expected < 0 && fit == "next" && hint > 0)
                    expected = FirstFit(used, count, step, 0);
                bool placed = allocator.TryAllocate((ulong)count * K4, (ulong)step * K4, out ulong address);

                Assert.Equal(expected >= 0, placed);
                if (placed)
                {
                    Assert.Equal(Start + (ulong)expected * K4, address);
                    Array.Fill(used, true, expected, count);
                    usedBits += count;
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
        int run = 0;
        for (int bit = from; bit < used.Length; bit++)
        {
            run = used[bit] ? 0 : run + 1;
            int s = bit - count + 1;
            if (run >= count && ((Start / K4) + (ulong)s) % (ulong)step == 0)
                return s;
        }
        return -1;
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
