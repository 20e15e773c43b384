using Cma.Host.Tests.Api;
using Cma.Host.Tests.Plugins;
using Microsoft.Extensions.Configuration;

namespace Cma.Host.Tests.Swap;

/// <summary>Live allocator swap (<see cref="ICmaService.TrySwapAllocator"/>): a region with live chunks changes its
/// allocator; every chunk is placed in the new instance at its address, the accounting holds, and a failure changes
/// nothing.</summary>
public sealed class LiveSwapTests
{
    [Fact]
    public void A_region_with_chunks_swaps_round_the_plugins_and_keeps_every_chunk()
    {
        using TestHost host = TestHost.Start("[ " + TestHost.Region("r", "best-fit", "4M") + " ]");
        var live = new List<CmaChunk>();
        var random = new Random(7);
        for (int i = 0; i < 40; i++)
        {
            // Power-of-two sizes at their own alignment: placements every allocator (buddy included) can represent.
            ulong size = 4096UL << random.Next(0, 5);
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", size, size, out CmaChunk c));
            live.Add(c);
        }
        foreach (CmaChunk c in live.Where((_, i) => i % 3 == 0).ToList())
        {
            host.Service.Free(c.Address);
            live.Remove(c);
        }
        ulong free = host.Service.GetRegion("r").FreeBytes;
        foreach (string allocator in new[] { "bitmap", "tlsf", "buddy", "best-fit" })
        {
            Assert.True(host.Service.TrySwapAllocator("r", allocator, null, out string? reason), reason);
            CmaRegionSnapshot s = host.Service.GetRegion("r");
            Assert.Equal(allocator, s.Allocator);
            Assert.Equal(RegionState.Active, s.State);
            Assert.Equal(live.Count, s.Chunks);
            if (allocator != "buddy")
                Assert.Equal(free, s.FreeBytes);   // same sizes, no rounding beyond the granule
            // The new instance serves around the old chunks: a new chunk never overlaps one of them.
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 8192, 0, out CmaChunk extra));
            Assert.DoesNotContain(live, c => c.Address < extra.Address + extra.Size && extra.Address < c.Address + c.Size);
            host.Service.Free(extra.Address);
        }
        foreach (CmaChunk c in live)
            host.Service.Free(c.Address);
        CmaRegionSnapshot empty = host.Service.GetRegion("r");
        Assert.Equal(4UL << 20, empty.FreeBytes);
        Assert.Equal(4UL << 20, empty.LargestFreeBlock);
    }

    [Fact]
    public void A_chunk_the_new_allocator_cannot_represent_refuses_the_swap_and_the_old_one_keeps_serving()
    {
        using TestHost host = TestHost.Start("[ " + TestHost.Region("r", "best-fit", "4M") + " ]");
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 4096, 0, out _));
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 12288, 0, out CmaChunk odd));   // 3 granules at 4K: buddy rounds to 4
        Assert.False(host.Service.TrySwapAllocator("r", "buddy", null, out string? reason));
        Assert.Contains($"0x{odd.Address:X}", reason, StringComparison.Ordinal);
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal("best-fit", s.Allocator);
        Assert.Equal(RegionState.Active, s.State);
        Assert.Equal(0, s.Faults);   // a refusal its rounding explains is not a fault
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 4096, 0, out _));
    }

    [Fact]
    public void An_allocator_without_exact_placement_takes_only_an_empty_region()
    {
        using TestHost host = TestHost.Start("[ " + TestHost.Region("r", "best-fit", "1M") + " ]");
        Assert.True(host.Service.TrySwapAllocator("r", "faulty", Settings(("Fault", "None")), out string? reason), reason);
        Assert.Equal("faulty", host.Service.GetRegion("r").Allocator);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 4096, 0, out CmaChunk c));
        Assert.False(host.Service.TrySwapAllocator("r", "faulty", Settings(("Fault", "None")), out reason));
        Assert.Contains("ICmaExactPlacement", reason, StringComparison.Ordinal);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 4096, 0, out _));   // the old instance still serves
        Assert.True(host.Service.TrySwapAllocator("r", "best-fit", null, out reason), reason);   // best-fit can take the chunks
        Assert.Equal(2, host.Service.GetRegion("r").Chunks);
        host.Service.Free(c.Address);
        Assert.False(host.Service.TrySwapAllocator("r", "slab", null, out reason));
        Assert.Contains("not loaded", reason, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => host.Service.TrySwapAllocator("nope", "best-fit", null, out _));
    }

    [Fact]
    public void A_reserve_that_lies_is_caught_by_the_stats_check_and_nothing_changes()
    {
        string[] extra = [TestAssemblies.HostilePluginPath];
        using TestHost host = TestHost.Start("[ " + TestHost.Region("r", "best-fit", "1M") + " ]", extraPlugins: extra);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 64 * 1024, 0, out CmaChunk held));
        Assert.False(host.Service.TrySwapAllocator("r", "hostile-reserve", Settings(("ReserveNothing", "true")), out string? reason));
        Assert.Contains("free bytes", reason, StringComparison.Ordinal);
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal("best-fit", s.Allocator);
        Assert.Equal(RegionState.Active, s.State);
        Assert.Equal(1, s.Faults);
        // Nothing was handed out over the live chunk: the old allocator still serves, and never overlaps it.
        for (int i = 0; i < 15; i++)
        {
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 64 * 1024, 0, out CmaChunk c));
            Assert.False(c.Address < held.Address + held.Size && held.Address < c.Address + c.Size);
        }
        Assert.True(host.Service.TrySwapAllocator("r", "hostile-reserve", Settings(("ReserveNothing", "false")), out reason), reason);
    }

    private static IConfiguration Settings(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();
}
