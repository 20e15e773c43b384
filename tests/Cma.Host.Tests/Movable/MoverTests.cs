using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Movable;

/// <summary>The mover of an address-space-only reusable region: it sees exactly the moves made, a throwing mover fails
/// the request with MoverFailed and stops further moves, and a mover calling the host is refused without fencing.</summary>
public sealed class MoverTests
{
    private const ulong K = 1024;

    private static TestHost Start() => TestHost.Start(
        """[ { "Name": "r", "Size": "256K", "Allocator": "best-fit", "Backing": "None", "Reusable": true, "MovableFrom": "Bottom" } ]""");

    private static List<CmaMovableChunk> Fill(TestHost host, int count, ulong size)
    {
        var chunks = new List<CmaMovableChunk>();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateMovableFrom("r", size, 0, false, out CmaMovableChunk? c));
            chunks.Add(c!);
        }
        return chunks;
    }

    /// <summary>Asserts <paramref name="moves"/> are exactly the address changes of <paramref name="chunks"/> since
    /// <paramref name="before"/>, each chunk moving at most once.</summary>
    private static void AssertMovesMatch(List<CmaMovableChunk> chunks, ulong[] before, IReadOnlyList<CmaMove> moves, CmaMoveReason reason)
    {
        var changed = new HashSet<(ulong, ulong)>();
        for (int i = 0; i < chunks.Count; i++)
        {
            if (chunks[i].Address != before[i])
                changed.Add((before[i], chunks[i].Address));
        }
        Assert.Equal(changed.Count, moves.Count);
        Assert.Equal(changed, moves.Select(m => (m.From, m.To)).ToHashSet());
        Assert.All(moves, m => Assert.Equal((reason, "r", "r", 16 * K), (m.Reason, m.FromRegion, m.ToRegion, m.Size)));
    }

    [Fact]
    public void The_mover_receives_exactly_the_moves_of_migration_and_compaction()
    {
        using TestHost host = Start();
        var seen = new List<CmaMove>();
        host.Service.SetMover(seen.Add);
        List<CmaMovableChunk> chunks = Fill(host, 6, 16 * K);
        ulong[] before = [.. chunks.Select(c => c.Address)];
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 64 * K, 0, out CmaChunk low));   // over the first 4
        AssertMovesMatch(chunks, before, seen, CmaMoveReason.Migration);
        Assert.Equal(4, seen.Count);
        Assert.Equal(4, host.Service.GetRegion("r").Migrations);

        chunks[1].Dispose();
        chunks[4].Dispose();   // holes to pack
        host.Service.Free(low.Address);
        seen.Clear();
        before = [.. chunks.Select(c => c.Address)];
        IReadOnlyList<CmaMove> compaction = host.Service.Compact("r");
        Assert.NotEmpty(compaction);
        Assert.Equal(compaction, seen);
        AssertMovesMatch(chunks, before, compaction, CmaMoveReason.Compaction);
        ulong start = host.Service.GetRegion("r").Start;
        Assert.Equal([start, start + 16 * K, start + 32 * K, start + 48 * K], chunks.Where(c => !c.IsFreed).Select(c => c.Address).Order());
    }

    [Fact]
    public void A_throwing_mover_fails_the_request_and_moves_nothing_further()
    {
        using TestHost host = Start();
        List<CmaMovableChunk> chunks = Fill(host, 6, 16 * K);
        ulong[] before = [.. chunks.Select(c => c.Address)];
        var seen = new List<CmaMove>();
        host.Service.SetMover(m =>
        {
            if (seen.Count == 1)
                throw new IOException("device busy");
            seen.Add(m);
        });
        Assert.Equal(CmaOutcome.MoverFailed, host.Service.TryAllocateFrom("r", 64 * K, 0, out _));
        Assert.Single(seen);   // the accepted move stands, the second was refused, the rest never asked
        AssertMovesMatch(chunks, before, seen, CmaMoveReason.Migration);
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal((RegionState.Active, 0L, 6L, 1L, 256 * K), (s.State, s.ContiguousChunks, s.MovableChunks, s.MoverFailures, s.FreeBytes));
        AssertDisjoint(chunks, default);

        host.Service.SetMover(_ => { });
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 64 * K, 0, out CmaChunk low));   // consistent: it works now
        AssertDisjoint(chunks, low);
        foreach (CmaMovableChunk c in chunks)
            c.Dispose();
        host.Service.Free(low.Address);
        s = host.Service.GetRegion("r");
        Assert.Equal((0L, 256 * K, 256 * K), (s.Chunks, s.FreeBytes, s.LargestFreeBlock));
    }

    [Fact]
    public void A_mover_calling_the_host_is_refused_and_the_region_is_not_fenced()
    {
        using TestHost host = Start();
        List<CmaMovableChunk> chunks = Fill(host, 2, 16 * K);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 16 * K, 0, out CmaChunk other));   // for the mover to free
        Exception? refused = null;
        host.Service.SetMover(_ =>
        {
            try
            {
                host.Service.Free(other.Address);
            }
            catch (Exception e)
            {
                refused = e;
                throw;
            }
        });
        ulong[] before = [.. chunks.Select(c => c.Address)];
        Assert.Equal(CmaOutcome.MoverFailed, host.Service.TryAllocateFrom("r", 64 * K, 0, out _));
        Assert.IsType<InvalidOperationException>(refused);
        Assert.Equal(before, chunks.Select(c => c.Address));
        CmaRegionSnapshot s = host.Service.GetRegion("r");
        Assert.Equal(RegionState.Active, s.State);
        Assert.Null(s.FenceReason);
        Assert.Equal(3, s.Chunks);   // the refused free did not happen
        host.Service.SetMover(null);
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 64 * K, 0, out _));
        host.Service.Free(other.Address);
    }

    [Fact]
    public void Moves_to_the_next_region_of_the_list_are_reported_with_both_regions()
    {
        using TestHost host = TestHost.Start(
            """[ { "Name": "r", "Size": "256K", "Allocator": "best-fit", "Backing": "None", "Reusable": true },"""
            + """ { "Name": "spill", "Size": "256K", "Allocator": "best-fit", "Backing": "None" } ]""");
        var seen = new List<CmaMove>();
        host.Service.SetMover(seen.Add);
        var chunks = new List<CmaMovableChunk>();
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateMovableFrom("r,spill", 16 * K, 0, false, out CmaMovableChunk? c));
            chunks.Add(c!);
        }
        Assert.Equal(CmaOutcome.Ok, host.Service.TryAllocateFrom("r", 64 * K, 0, out _));
        Assert.Equal(4, seen.Count);
        Assert.All(seen, m => Assert.Equal(("r", "spill", CmaMoveReason.Migration), (m.FromRegion, m.ToRegion, m.Reason)));
        Assert.Equal(seen.Select(m => m.To).Order(), chunks.Where(c => c.Region == "spill").Select(c => c.Address).Order());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_mover_that_keeps_the_contents_keeps_them_right_through_random_steps(int seed)
    {
        using TestHost host = TestHost.Start(
            """[ { "Name": "r", "Size": "256K", "Allocator": "tlsf", "Backing": "None", "Reusable": true },"""
            + """ { "Name": "spill", "Size": "128K", "Allocator": "best-fit", "Backing": "None", "Reusable": true } ]""");
        var contents = new Dictionary<ulong, CmaMovableChunk>();   // what the application keeps at each address
        var wrong = new List<string>();   // a mover's exception would only fail its request: collect instead
        host.Service.SetMover(m =>
        {
            if (!contents.Remove(m.From, out CmaMovableChunk? c) || c.IsDiscarded)
                wrong.Add($"{m}: nothing live was kept at the source");
            else if (contents.TryGetValue(m.To, out CmaMovableChunk? there) && !there.IsDiscarded)
                wrong.Add($"{m}: the destination holds {there}");
            else
                contents[m.To] = c;   // over a dropped chunk's stale contents, if any
        });
        var random = new Random(seed);
        var live = new List<CmaMovableChunk>();
        var contiguous = new List<ulong>();
        for (int step = 0; step < 300; step++)
        {
            int pick = random.Next(10);
            if (pick < 4 && host.Service.TryAllocateMovableFrom("r,spill", (ulong)random.Next(1, 9) * 4 * K, 0, random.Next(4) == 0, out CmaMovableChunk? c) == CmaOutcome.Ok)
            {
                contents.Add(c!.Address, c);
                live.Add(c);
            }
            else if (pick < 6 && live.Count > 0)
            {
                CmaMovableChunk f = live[random.Next(live.Count)];
                if (!f.IsDiscarded)
                    Assert.True(contents.Remove(f.Address));
                f.Dispose();
                live.Remove(f);
            }
            else if (pick < 8 && host.Service.TryAllocateFrom("r", (ulong)random.Next(1, 5) * 32 * K, 0, out CmaChunk big) == CmaOutcome.Ok)
                contiguous.Add(big.Address);
            else if (pick < 9 && contiguous.Count > 0)
            {
                host.Service.Free(contiguous[0]);
                contiguous.RemoveAt(0);
            }
            else
                host.Service.Compact(random.Next(2) == 0 ? "r" : "spill");
            foreach (CmaMovableChunk d in live.Where(d => d.IsDiscarded && contents.TryGetValue(d.Address, out CmaMovableChunk? k) && k == d).ToList())
                contents.Remove(d.Address);   // dropped: its contents are gone
            Assert.Empty(wrong);
            Assert.Equal(live.Count(d => !d.IsDiscarded), contents.Count);
            Assert.All(live.Where(d => !d.IsDiscarded), d => Assert.Same(d, contents[d.Address]));
        }
    }

    private static void AssertDisjoint(List<CmaMovableChunk> chunks, CmaChunk big)
    {
        var ranges = chunks.Where(c => !c.IsFreed).Select(c => (c.Address, Size: c.Size)).ToList();
        if (big.Size != 0)
            ranges.Add((big.Address, big.Size));
        ranges.Sort();
        for (int i = 1; i < ranges.Count; i++)
            Assert.True(ranges[i - 1].Address + ranges[i - 1].Size <= ranges[i].Address, $"0x{ranges[i - 1].Address:X} overlaps 0x{ranges[i].Address:X}");
    }
}
