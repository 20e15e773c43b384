using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Movable;

/// <summary>Pins and frees of movable chunks: long-term pins leave the reusable region when they can, pins nest and
/// unpin once, a freed chunk's pins are dead, discarded chunks are disposed once, frees by address reach the handle.</summary>
public sealed class PinTests
{
    private const ulong K = 1024;

    private static TestHost Start(string spillSize = "256K") => TestHost.Start(
        """[ { "Name": "r", "Size": "256K", "Allocator": "best-fit", "Backing": "Native", "Reusable": true },"""
        + $$""" { "Name": "spill", "Size": "{{spillSize}}", "Allocator": "best-fit", "Backing": "Native" } ]""");

    private static CmaMovableChunk Allocate(TestHost host, string list, ulong size, int seed, bool discardable = false)
    {
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateMovableFrom(list, size, 0, discardable, out CmaMovableChunk? c));
        using (CmaPin pin = c!.Pin())
            MovableModel.Write(pin, seed);
        return c;
    }

    [Fact]
    public void A_long_term_pin_moves_the_chunk_to_a_region_of_its_list_that_is_not_reusable()
    {
        using TestHost host = Start();
        CmaMovableChunk c = Allocate(host, "r,spill", 40 * K, 7);
        ulong old = c.Address;
        using CmaPin pin = c.PinLongTerm();
        Assert.True(pin.IsLongTerm);
        Assert.Equal("spill", c.Region);
        Assert.NotEqual(old, c.Address);
        Assert.Equal(c.Address, pin.Address);
        MovableModel.Verify(pin, 7, "after the long-term pin's move");
        Assert.Equal(1, host.Service.GetRegion("r").Migrations);
        Assert.Equal(0, host.Service.GetRegion("r").MovableChunks);
        CmaRegionSnapshot spill = host.Service.GetRegion("spill");
        Assert.Equal((1, 1L, 256 * K - 40 * K), (spill.MovableChunks, spill.PinnedChunks, spill.FreeBytes));
    }

    [Theory]
    [InlineData("r", "256K")]       // no other region in its list
    [InlineData("r,spill", "32K")]  // the other region has no room
    public void A_long_term_pin_with_nowhere_to_go_pins_in_place(string list, string spillSize)
    {
        using TestHost host = Start(spillSize);
        CmaMovableChunk c = Allocate(host, list, 40 * K, 9);
        ulong old = c.Address;
        using CmaPin pin = c.PinLongTerm();
        Assert.Equal(("r", old), (c.Region, c.Address));
        MovableModel.Verify(pin, 9, "pinned in place");
        Assert.Equal(1, host.Service.GetRegion("r").PinnedChunks);
        Assert.Equal(0, host.Service.GetRegion("r").Migrations);
    }

    [Fact]
    public void Pins_nest_and_a_pin_disposed_twice_unpins_once()
    {
        using TestHost host = Start();
        CmaMovableChunk c = Allocate(host, "r", 16 * K, 3);
        CmaPin first = c.Pin();
        CmaPin second = c.Pin();
        Assert.Equal(2, c.PinCount);
        first.Dispose();
        first.Dispose();
        Assert.Equal(1, c.PinCount);
        Assert.Equal(1, host.Service.GetRegion("r").PinnedChunks);
        Assert.Throws<ObjectDisposedException>(() => first.Span.Length);
        Assert.Equal(CmaOutcome.Pinned, host.Service.TryAllocateFrom("r", 256 * K, 0, out _));   // still held
        MovableModel.Verify(second, 3, "through the remaining pin");
        second.Dispose();
        Assert.Equal(0, c.PinCount);
        Assert.Equal(0, host.Service.GetRegion("r").PinnedChunks);
    }

    [Fact]
    public void Freeing_a_pinned_chunk_kills_its_pins()
    {
        using TestHost host = Start();
        CmaMovableChunk c = Allocate(host, "r", 16 * K, 4);
        CmaPin pin = c.Pin();
        c.Dispose();
        Assert.True(c.IsFreed);
        Assert.Throws<ObjectDisposedException>(() => pin.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => pin.Pointer);
        Assert.Throws<ObjectDisposedException>(() => c.Pin());
        Assert.Equal(CmaOutcome.NotFound, c.TryPin(false, out _));
        pin.Dispose();
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal((0L, 0L, 0L, 256 * K), (s.Chunks, s.MovableChunks, s.PinnedChunks, s.FreeBytes));
    }

    [Fact]
    public void A_discarded_chunk_cannot_be_pinned_and_is_disposed_once()
    {
        using TestHost host = Start();
        CmaMovableChunk cache = Allocate(host, "r", 64 * K, 5, discardable: true);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 256 * K, 0, out CmaChunk all));
        Assert.True(cache.IsDiscarded);
        Assert.False(cache.IsFreed);
        Assert.Equal(CmaOutcome.Discarded, cache.TryPin(false, out CmaPin? pin));
        Assert.Null(pin);
        Assert.Equal(CmaOutcome.Discarded, cache.TryPin(true, out _));
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal((1L, 0L, 1L), (s.Chunks, s.MovableChunks, s.DiscardedChunks));
        cache.Dispose();
        cache.Dispose();
        Assert.True(cache.IsFreed);
        Assert.False(cache.IsDiscarded);
        s = host.Service.GetRegion("r");
        Assert.Equal((1L, 0L, 1L, 0UL), (s.Chunks, s.MovableChunks, s.DiscardedChunks, s.FreeBytes));
        host.Service.Free(all.Address);
        Assert.Equal(256 * K, host.Service.GetRegion("r").FreeBytes);
    }

    [Fact]
    public void Freeing_a_movable_chunk_by_its_current_address_frees_the_handle()
    {
        using TestHost host = TestHost.Start(
            """[ { "Name": "r", "Size": "256K", "Allocator": "best-fit", "Backing": "Native", "Reusable": true, "MovableFrom": "Bottom" } ]""");
        CmaMovableChunk c = Allocate(host, "r", 16 * K, 6);
        ulong old = c.Address;
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 64 * K, 0, out CmaChunk low));   // moves it
        Assert.NotEqual(old, c.Address);
        Assert.Equal(CmaOutcome.NotFound, host.Service.TryFree(old + 4 * K));
        host.Service.Free(c.Address);
        Assert.True(c.IsFreed);
        Assert.Equal(CmaOutcome.NotFound, c.TryPin(false, out _));
        c.Dispose();
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal((1L, 0L, 0UL), (s.Chunks, s.MovableChunks, s.MovableBytes));
        host.Service.Free(low.Address);
        Assert.Equal(0, host.Service.GetRegion("r").Chunks);
    }

    [Fact]
    public void Freeing_a_chunk_that_migrated_to_the_spill_region_by_address_frees_the_handle()
    {
        using TestHost host = Start();
        CmaMovableChunk c = Allocate(host, "r,spill", 40 * K, 8);
        using (c.PinLongTerm())
            Assert.Equal("spill", c.Region);
        host.Service.Free(c.Address);
        Assert.True(c.IsFreed);
        CmaRegionSnapshot spill = host.Service.GetRegion("spill");
        Assert.Equal((0L, 0L, 256 * K), (spill.Chunks, spill.MovableChunks, spill.FreeBytes));
    }

    [Fact]
    public void Guard_bytes_travel_with_migrated_chunks_and_no_overrun_is_reported()
    {
        using TestHost host = TestHost.Start(
            """[ { "Name": "r", "Size": "256K", "Allocator": "best-fit", "Backing": "Native", "Reusable": true, "GuardBytes": "64", "MovableFrom": "Bottom" },"""
            + """ { "Name": "spill", "Size": "256K", "Allocator": "best-fit", "Backing": "Native", "GuardBytes": "64" } ]""");
        var overruns = new List<CmaGuardOverrun>();
        host.Service.GuardOverrun += overruns.Add;
        var chunks = new List<CmaMovableChunk>();
        for (int i = 0; i < 15; i++)
            chunks.Add(Allocate(host, "r,spill", 16 * K, i + 1));   // 16 KiB + 64 guard bytes: 20 KiB each
        Assert.Equal(12 * 20 * K, host.Service.GetRegion("r").MovableBytes);   // 12 fit; 3 went to the spill region
        Assert.Equal(3 * 20 * K, host.Service.GetRegion("spill").MovableBytes);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 128 * K, 0, out CmaChunk big));
        Assert.Contains(chunks, c => c.Region == "spill");
        for (int i = 0; i < chunks.Count; i++)
        {
            using CmaPin pin = chunks[i].Pin();
            MovableModel.Verify(pin, i + 1, chunks[i].ToString());
        }
        foreach (CmaMovableChunk c in chunks)
            c.Dispose();
        host.Service.Free(big.Address);
        Assert.Empty(overruns);
        Assert.Equal(0, host.Service.GetRegion("r").Chunks + host.Service.GetRegion("spill").Chunks);
    }

    [Fact]
    public void Disposing_the_host_frees_movable_chunks_and_kills_their_pins()
    {
        TestHost host = Start();
        CmaMovableChunk c = Allocate(host, "r", 16 * K, 2);
        CmaPin pin = c.Pin();
        host.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pin.Span.Length);
        Assert.True(c.IsFreed);
        pin.Dispose();
        c.Dispose();   // never throws
    }
}
