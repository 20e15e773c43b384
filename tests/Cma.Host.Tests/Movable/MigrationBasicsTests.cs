using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Movable;

/// <summary>The basic promises of a reusable region, on constructed cases: movable chunks borrow free space from the top
/// down, a contiguous placement over them moves them (bytes and handle follow), pinned chunks block, discardable chunks
/// are dropped, and compaction packs.</summary>
public sealed class MigrationBasicsTests
{
    private static string Reusable(string name, string allocator = "best-fit", string size = "1M", string backing = "Native", string extra = "") =>
        $$"""{ "Name": "{{name}}", "Size": "{{size}}", "Allocator": "{{allocator}}", "Backing": "{{backing}}", "Reusable": true{{(extra.Length == 0 ? "" : ", " + extra)}} }""";

    [Theory]
    [InlineData("best-fit")]
    [InlineData("bitmap")]
    [InlineData("tlsf")]
    // Not buddy: it aligns blocks to absolute addresses, so where its 512 KiB lands depends on where the mapping does;
    // CompletenessTests and ReusableModelTests cover buddy with expectations taken from snapshots.
    public void Contiguous_request_over_movable_chunks_migrates_them_and_their_bytes(string allocator)
    {
        // Movable chunks from the bottom up, where every plugin places a first contiguous request.
        using TestHost host = TestHost.Start("[ " + Reusable("r", allocator, "1M", extra: "\"MovableFrom\": \"Bottom\"") + " ]");
        ulong emptyLargest = host.Service.GetRegion("r").LargestFreeBlock;
        var chunks = new List<CmaMovableChunk>();
        // 7 × 64 KiB: buddy aligns blocks to absolute addresses, so its 512 KiB may start 4 KiB in, leaving a sliver
        // below it that no 64 KiB chunk fits in; 448 KiB always fits beside the contiguous chunk.
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateMovableFrom("r", 64 * 1024, 0, false, out CmaMovableChunk? c));
            using (CmaPin pin = c!.Pin())
                pin.Span.Fill((byte)(i + 1));
            chunks.Add(c);
        }
        CmaRegionSnapshot before = host.Service.GetRegion("r");
        Assert.Equal(7, before.MovableChunks);
        Assert.Equal(1UL << 20, before.FreeBytes);  // the plugin sees every byte free
        Assert.Equal(before.Start, chunks[0].Address);

        // 512 KiB contiguous: the plugin places it low, over the movable chunks, which move into the remaining free space.
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 512 * 1024, 0, out CmaChunk big));
        for (int i = 0; i < chunks.Count; i++)
        {
            CmaMovableChunk c = chunks[i];
            Assert.False(Overlaps(c.Address, 64 * 1024, big.Address, big.Size), $"chunk {i} at 0x{c.Address:X} overlaps the contiguous chunk");
            using CmaPin pin = c.Pin();
            Assert.All(pin.Span.ToArray(), b => Assert.Equal((byte)(i + 1), b));
        }
        CmaRegionSnapshot after = host.Service.GetRegion("r");
        Assert.True(after.Migrations > 0);
        Assert.Equal(8, after.Chunks);
        foreach (CmaMovableChunk c in chunks)
            c.Dispose();
        host.Service.Free(big.Address);
        CmaRegionSnapshot empty = host.Service.GetRegion("r");
        Assert.Equal(0, empty.Chunks);
        Assert.Equal(0, empty.MovableChunks);
        Assert.Equal(emptyLargest, empty.LargestFreeBlock);   // everything coalesced again
        Assert.Equal(1UL << 20, empty.FreeBytes);
    }

    [Fact]
    public void A_pinned_chunk_in_every_range_fails_with_Pinned_and_changes_nothing()
    {
        using TestHost host = TestHost.Start("[ " + Reusable("r", "best-fit", "256K", extra: "\"MigrationRetries\": 2") + " ]");
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateMovableFrom("r", 4096, 0, false, out CmaMovableChunk? c));
        using CmaPin pin = c!.Pin();
        Assert.Equal(CmaOutcome.Pinned, host.Service.TryAllocateFrom("r", 256 * 1024, 0, out _));
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal(1, s.Chunks);
        Assert.Equal(1, s.PinnedChunks);
        Assert.Equal(1, s.BlockedByPins);
        Assert.Equal(256UL * 1024, s.FreeBytes);
        pin.Dispose();
        Assert.Equal(CmaOutcome.NoRoomToMigrate, host.Service.TryAllocateFrom("r", 256 * 1024, 0, out _));
    }

    [Fact]
    public void A_discardable_chunk_with_nowhere_to_go_is_dropped()
    {
        using TestHost host = TestHost.Start("[ " + Reusable("r", "best-fit", "256K") + " ]");
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateMovableFrom("r", 128 * 1024, 0, true, out CmaMovableChunk? cache));
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 256 * 1024, 0, out CmaChunk all));
        Assert.True(cache!.IsDiscarded);
        Assert.Equal(CmaOutcome.Discarded, cache.TryPin(false, out _));
        Assert.Throws<CmaException>(() => cache.Pin());
        cache.Dispose();
        Assert.True(cache.IsFreed);
        Assert.Equal(1, host.Service.GetRegion("r").DiscardedChunks);
        host.Service.Free(all.Address);
    }

    [Fact]
    public void Compaction_packs_movable_chunks_to_the_top()
    {
        using TestHost host = TestHost.Start("[ " + Reusable("r", "best-fit", "1M") + " ]");
        var chunks = new List<CmaMovableChunk>();
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateMovableFrom("r", 64 * 1024, 0, false, out CmaMovableChunk? c));
            chunks.Add(c!);
        }
        for (int i = 0; i < 8; i += 2)
            chunks[i].Dispose();   // holes between the survivors
        IReadOnlyList<CmaMove> moves = host.Service.Compact("r");
        Assert.NotEmpty(moves);
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        ulong top = s.Start + s.Size;
        ulong[] addresses = [.. chunks.Where(c => !c.IsFreed).Select(c => c.Address).Order()];
        Assert.Equal([top - 4 * 65536, top - 3 * 65536, top - 2 * 65536, top - 65536], addresses);
    }

    [Fact]
    public void The_mover_of_an_address_space_region_sees_every_move_and_a_throwing_mover_fails_the_request()
    {
        using TestHost host = TestHost.Start("[ " + Reusable("r", "best-fit", "256K", backing: "None", extra: "\"MovableFrom\": \"Bottom\"") + " ]");
        var seen = new List<CmaMove>();
        host.Service.SetMover(seen.Add);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateMovableFrom("r", 64 * 1024, 0, false, out CmaMovableChunk? c));
        ulong old = c!.Address;
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 128 * 1024, 0, out CmaChunk low));
        CmaMove move = Assert.Single(seen);
        Assert.Equal(old, move.From);
        Assert.Equal(c.Address, move.To);
        host.Service.Free(low.Address);
        host.Service.SetMover(_ => throw new InvalidOperationException("no"));
        ulong at = c.Address;
        Assert.Equal(CmaOutcome.MoverFailed, host.Service.TryAllocateFrom("r", 192 * 1024, 0, out _));
        Assert.Equal(at, c.Address);   // the move the mover refused did not happen
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal(0, s.ContiguousChunks);
        Assert.Equal(1, s.MoverFailures);
        Assert.Equal(256UL * 1024, s.FreeBytes);
    }

    [Fact]
    public void A_displaced_chunk_may_move_into_a_range_an_earlier_attempt_held()
    {
        using TestHost host = TestHost.Start("[ " + Reusable("r", "best-fit", "256K", extra: "\"MovableFrom\": \"Bottom\"") + " ]");
        var c = new CmaMovableChunk[8];
        for (int i = 0; i < 8; i++)   // 32 KiB each, bottom up: c[i] at offset 32K·i
        {
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateMovableFrom("r", 32 * 1024, 0, false, out CmaMovableChunk? made));
            c[i] = made!;
        }
        ulong start = host.Service.GetRegion("r").Start;
        c[1].Dispose();
        c[3].Dispose();
        using CmaPin pin = c[0].Pin();
        // Attempt 1: [0, 64K) holds pinned c0 → held. Attempt 2: [64K, 128K) holds c2, whose only room is [32K, 64K),
        // the free half of the held range (free again once the hold is released).
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 64 * 1024, 0, out CmaChunk chunk));
        Assert.Equal(start + 64 * 1024, chunk.Address);
        Assert.Equal(start + 32 * 1024, c[2].Address);
        Assert.Equal(1, host.Service.GetRegion("r").Migrations);
    }

    private static bool Overlaps(ulong a, ulong aSize, ulong b, ulong bSize) => a < b + bSize && b < a + aSize;
}
