using System.Diagnostics;
using System.Globalization;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Configuration;

namespace Cma.Benchmarks;

/// <summary>
/// The <c>swap</c> mode: the time of a live allocator swap (<see cref="Region.TrySwapAllocator"/>) of a region holding
/// many contiguous chunks — the new instance reserves every chunk at its address (<see cref="ICmaExactPlacement"/>), its
/// stats are checked, and it replaces the old one. A 1 GiB address-space-only region (4 KiB granule) is filled by
/// best-fit with 4 KiB chunks in two layouts: <c>packed</c> (the chunks back to back, so each reserve in address order
/// starts at the remaining hole's start: every plugin's fast path) and <c>holey</c> (twice as many placed, every other
/// one freed, so each reserve lies strictly inside the remaining hole). The region then swaps round bitmap, tlsf,
/// best-fit and buddy; each swap is timed with a stopwatch (median of the rounds). Arguments: chunks (default 100000),
/// rounds (default 5), layouts (default packed,holey); e.g. <c>swap 100000 5 packed</c>.
/// </summary>
internal static class SwapMode
{
    /// <summary>The allocators swapped to, in order, each round.</summary>
    private static readonly string[] s_targets = ["bitmap", "tlsf", "best-fit", "buddy"];

    public static int Run(string[] args)
    {
        int chunks = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        string[] layouts = args.Length > 2 ? args[2].Split(',') : ["packed", "holey"];
        Console.WriteLine($"load average: {MemoryMode.LoadAverage()}");
        Console.WriteLine($"(a 1 GiB address-space-only region, 4 KiB granule, {chunks:N0} live 4 KiB chunks placed by best-fit; median of {rounds} swaps each)");
        Console.WriteLine("| layout | swap to | median | min | max | per chunk |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (string layout in layouts)
        {
            Region region = Fill(chunks, layout == "holey");
            var times = s_targets.ToDictionary(t => t, _ => new List<double>());
            for (int round = 0; round < rounds; round++)
            {
                foreach (string target in s_targets)
                    times[target].Add(Swap(region, target));
            }
            foreach (string target in s_targets)
            {
                List<double> t = [.. times[target].Order()];
                double median = t[t.Count / 2];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {layout} | {target} | {median:F1} ms | {t[0]:F1} ms | {t[^1]:F1} ms | {median * 1e6 / chunks:F0} ns |"));
            }
        }
        return 0;
    }

    /// <summary>A best-fit region holding <paramref name="chunks"/> 4 KiB chunks: back to back, or (holey) every other one of
    /// twice as many.</summary>
    private static Region Fill(int chunks, bool holey)
    {
        Region region = BenchPlugins.OpenRegion("best-fit", BenchPlugins.Region(1UL << 30));
        var placed = new List<ulong>();
        lock (region.Sync)
        {
            for (int i = 0; i < (holey ? 2 * chunks : chunks); i++)
            {
                if (region.TryAllocate(BenchTrace.Granule, BenchTrace.Granule, 0, out ulong at) != RegionAllocateResult.Ok)
                    throw new InvalidOperationException($"the region is full after {i} chunks");
                placed.Add(at);
            }
            for (int i = 1; holey && i < placed.Count; i += 2)
                region.TryFree(placed[i], out _);
        }
        if (region.Chunks.Count != chunks)
            throw new InvalidOperationException($"the region holds {region.Chunks.Count} chunks, not {chunks}");
        return region;
    }

    /// <summary>Swaps <paramref name="region"/> to <paramref name="target"/>; the milliseconds it took.</summary>
    private static double Swap(Region region, string target)
    {
        IConfiguration settings = new ConfigurationBuilder().Build();
        long started = Stopwatch.GetTimestamp();
        bool swapped;
        string? reason;
        lock (region.Sync)
            swapped = region.TrySwapAllocator(target, BenchPlugins.Provider(target), settings, out reason);
        double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!swapped)
            throw new InvalidOperationException($"the swap to {target} was refused: {reason}");
        return ms;
    }
}
