using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Movable;

/// <summary>
/// Constructed cases for every first-party allocator: a contiguous request the plugin could place if no movable chunk
/// existed, with no pinned chunk in the way and room for the displaced chunks (in the region or a spill region of their
/// list), must succeed; with a pinned chunk in the only range it fails with Pinned and changes nothing; with nowhere for
/// the displaced chunks it fails with NoRoomToMigrate and changes nothing, unless they are discardable (then they are
/// dropped). Expectations come from snapshots: buddy aligns to absolute addresses, a Native region only to a page.
/// </summary>
public sealed class CompletenessTests
{
    private const ulong K = 1024;

    public static TheoryData<string> Allocators() => ["best-fit", "bitmap", "buddy", "tlsf"];

    private static TestHost Start(string allocator, bool spill, string extra = "") => TestHost.Start(
        $$"""[ { "Name": "r", "Size": "256K", "Allocator": "{{allocator}}", "Backing": "Native", "Reusable": true{{extra}} }"""
        + (spill ? """, { "Name": "spill", "Size": "256K", "Allocator": "best-fit", "Backing": "Native" } ]""" : " ]"));

    /// <summary>Allocates <paramref name="count"/> chunks of <paramref name="size"/> and writes pattern i + 1 in chunk i.</summary>
    private static List<CmaMovableChunk> Fill(TestHost host, string list, int count, ulong size, Func<int, bool>? discardable = null)
    {
        var chunks = new List<CmaMovableChunk>();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateMovableFrom(list, size, 0, discardable?.Invoke(i) ?? false, out CmaMovableChunk? c));
            using (CmaPin pin = c!.Pin())
                MovableModel.Write(pin, i + 1);
            chunks.Add(c);
        }
        return chunks;
    }

    /// <summary>Asserts every live chunk holds its pattern and none overlaps <paramref name="big"/>.</summary>
    private static void AssertIntact(List<CmaMovableChunk> chunks, CmaChunk big)
    {
        for (int i = 0; i < chunks.Count; i++)
        {
            CmaMovableChunk c = chunks[i];
            if (c.IsDiscarded)
                continue;
            Assert.False(c.Region == big.Region && c.Address < big.Address + big.Size && big.Address < c.Address + c.Size, $"{c} overlaps {big}");
            using CmaPin pin = c.Pin();
            MovableModel.Verify(pin, i + 1, c.ToString());
        }
    }

    private static string State(TestHost host, List<CmaMovableChunk> chunks)
    {
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        return $"{s.Chunks}/{s.MovableChunks}/{s.FreeBytes}/{s.LargestFreeBlock}/{s.PinnedChunks}/{s.Migrations}/{s.DiscardedChunks}: "
            + string.Join(",", chunks.Select(c => $"{c.Region}:{c.Address:X}:{c.IsDiscarded}"));
    }

    [Theory]
    [MemberData(nameof(Allocators))]
    public void A_request_that_fits_beside_the_displaced_chunks_succeeds(string allocator)
    {
        using TestHost host = Start(allocator, spill: false, ", \"MovableFrom\": \"Bottom\"");
        List<CmaMovableChunk> chunks = Fill(host, "r", 4, 16 * K);    // 64 KiB at the bottom, where plugins place first
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 64 * K, 0, out CmaChunk big));
        AssertIntact(chunks, big);
        Assert.All(chunks, c => Assert.Equal("r", c.Region));
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal(5, s.Chunks);
        Assert.Equal(256 * K - 64 * K, s.FreeBytes);
    }

    [Theory]
    [MemberData(nameof(Allocators))]
    public void A_full_region_migrates_to_the_spill_region_of_the_chunks_list(string allocator)
    {
        using TestHost host = Start(allocator, spill: true);
        List<CmaMovableChunk> chunks = Fill(host, "r,spill", 16, 16 * K);   // the whole region
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 128 * K, 0, out CmaChunk big));
        AssertIntact(chunks, big);
        // 8 chunks lie in the request's range (9 when buddy's block is not 16 KiB-aligned within the region); the rest of
        // the region is full, so each of them went to the spill region.
        int moved = chunks.Count(c => c.Region == "spill");
        Assert.InRange(moved, 8, 9);
        Assert.Equal(moved, host.Service.GetRegion("spill").MovableChunks);
        Assert.Equal(256 * K - (ulong)moved * 16 * K, host.Service.GetRegion("spill").FreeBytes);
        Assert.Equal(16 - moved, host.Service.GetRegion("r").MovableChunks);
    }

    [Theory]
    [MemberData(nameof(Allocators))]
    public void A_pinned_chunk_in_the_only_range_fails_with_Pinned_and_changes_nothing(string allocator)
    {
        using TestHost host = Start(allocator, spill: true);
        ulong largest = host.Service.GetRegion("r").LargestFreeBlock;
        List<CmaMovableChunk> chunks = Fill(host, "r,spill", 8, 16 * K);
        // The only range the plugin has for its largest block: the whole region, or for buddy the one aligned block.
        CmaMovableChunk[] inRange = largest == 256 * K ? [chunks[3]] : [.. chunks];
        CmaPin[] pins = [.. inRange.Select(c => c.Pin())];
        string before = State(host, chunks);
        Assert.Equal(CmaOutcome.Pinned, host.Service.TryAllocateFrom("r", largest, 0, out _));
        string after = State(host, chunks);
        Assert.Equal(before, after);
        Assert.Equal(1, host.Service.GetRegion("r").BlockedByPins);
        Assert.Equal(0, host.Service.GetRegion("spill").Chunks);
        foreach (CmaPin pin in pins)
            pin.Dispose();
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", largest, 0, out CmaChunk big));   // unpinned: they move
        AssertIntact(chunks, big);
    }

    [Theory]
    [MemberData(nameof(Allocators))]
    public void Displaced_chunks_with_nowhere_to_go_fail_with_NoRoomToMigrate_and_change_nothing(string allocator)
    {
        using TestHost host = Start(allocator, spill: true);   // the spill region is not in the chunks' list
        List<CmaMovableChunk> chunks = Fill(host, "r", 16, 16 * K);
        string before = State(host, chunks);
        Assert.Equal(CmaOutcome.NoRoomToMigrate, host.Service.TryAllocateFrom("r", 64 * K, 0, out _));
        Assert.Equal(before, State(host, chunks));
        Assert.Equal(1, host.Service.GetRegion("r").BlockedNoRoom);
        Assert.Equal(0, host.Service.GetRegion("spill").Chunks);
        AssertIntact(chunks, default);
    }

    [Theory]
    [MemberData(nameof(Allocators))]
    public void Discardable_chunks_with_nowhere_to_go_are_dropped_and_the_request_succeeds(string allocator)
    {
        using TestHost host = Start(allocator, spill: false);
        List<CmaMovableChunk> chunks = Fill(host, "r", 16, 16 * K, discardable: _ => true);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 64 * K, 0, out CmaChunk big));
        int dropped = chunks.Count(c => c.IsDiscarded);
        Assert.InRange(dropped, 4, 5);   // 5 when buddy's block is not 16 KiB-aligned within the region
        Assert.All(chunks.Where(c => c.IsDiscarded), c => Assert.True(c.Address < big.Address + big.Size && big.Address < c.Address + c.Size));
        AssertIntact(chunks, big);
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal(dropped, s.DiscardedChunks);
        Assert.Equal(16 - dropped, s.MovableChunks);
        Assert.Equal(0, s.Migrations);   // nothing had anywhere to go
    }

    [Theory]
    [MemberData(nameof(Allocators))]
    public void Discardable_chunks_elsewhere_make_room_for_displaced_ones_that_are_not(string allocator)
    {
        using TestHost host = Start(allocator, spill: false);
        List<CmaMovableChunk> chunks = Fill(host, "r", 16, 16 * K, discardable: i => i % 2 == 0);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 64 * K, 0, out CmaChunk big));
        Assert.All(chunks.Where(c => !c.IsDiscardable), c => Assert.False(c.IsDiscarded, $"{c} was not discardable"));
        int dropped = chunks.Count(c => c.IsDiscarded);
        Assert.InRange(dropped, 4, 8);   // 4 when the request covers 4 whole chunks: the region has room for 12 beside it
        if ((big.Address - host.Service.GetRegion("r").Start) % (16 * K) == 0)
            Assert.Equal(4, dropped);
        AssertIntact(chunks, big);
        Assert.Equal(16 - dropped, host.Service.GetRegion("r").MovableChunks);
        Assert.Equal(dropped, host.Service.GetRegion("r").DiscardedChunks);
    }

    [Fact]
    public void Chunks_dropped_by_a_blocked_attempt_are_counted_when_a_retry_succeeds()
    {
        // bitmap places first-fit. Plugin-free blocks: [0,32K) holding N (32K, not discardable), [48K,64K) holding
        // discardable D, [80K,96K) empty. A 16K request lands on N first: N has nowhere to go even after dropping D, so
        // that range is held; a retry lands where D was (or in the empty block) and succeeds without moving anything.
        using TestHost host = Start("bitmap", spill: false, ", \"MovableFrom\": \"Bottom\"");
        ulong[] shape = [32 * K, 16 * K, 16 * K, 16 * K, 16 * K, 160 * K];
        ulong[] at = [.. shape.Select(size => host.Service.TryAllocateFrom("r", size, 0, out CmaChunk c) == CmaOutcome.Ok ? c.Address : 0)];
        Assert.DoesNotContain(0UL, at);
        host.Service.Free(at[0]);
        host.Service.Free(at[2]);
        host.Service.Free(at[4]);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateMovableFrom("r", 32 * K, 0, false, out CmaMovableChunk? n));
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateMovableFrom("r", 16 * K, 0, true, out CmaMovableChunk? d));
        Assert.Equal((at[0], at[2]), (n!.Address, d!.Address));
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 16 * K, 0, out CmaChunk placed));
        Assert.Contains(placed.Address, new[] { at[2], at[4] });   // where D was, or the empty block
        Assert.Equal(at[0], n.Address);
        Assert.True(d.IsDiscarded);
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal((1L, 32 * K, 1L), (s.MovableChunks, s.MovableBytes, s.DiscardedChunks));
    }
}
