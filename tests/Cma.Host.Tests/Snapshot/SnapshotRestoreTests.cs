using Cma.Host.Tests.Api;
using Microsoft.Extensions.Configuration;

namespace Cma.Host.Tests.Snapshot;

/// <summary>Restoring a saved state into a fresh host (<c>CmaService.TryRestoreState</c>, Region.Restore.cs): every chunk
/// at its address with its owner and requested size, the stats exact, and a state that cannot be restored changes
/// nothing.</summary>
public sealed class SnapshotRestoreTests
{
    private static readonly string s_regions = "[ " + TestHost.Region("a", "best-fit", "4M") + ", " + TestHost.Region("b", "tlsf", "2M") + " ]";

    [Fact]
    public void A_restored_host_holds_every_chunk_at_its_address_with_its_owner_and_serves_around_them()
    {
        CmaState state = Fragmented();
        using TestHost target = TestHost.Start(s_regions);

        Assert.True(target.Service.TryRestoreState(state, out IReadOnlyList<CmaRestoredRegion> restored, out string? reason), reason);

        CmaState after = target.Service.CaptureState();
        for (int i = 0; i < state.Regions.Count; i++)
        {
            Assert.Equal(state.Regions[i].Chunks, after.Regions[i].Chunks);
            Assert.Equal(state.Regions[i].Region.FreeBytes, after.Regions[i].Region.FreeBytes);
            Assert.Equal(state.Regions[i].Chunks.Count, restored[i].Chunks);
        }
        var live = after.Regions.SelectMany(r => r.Chunks).ToList();
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(CmaOutcome.Ok, target.Service.TryAllocateFrom("a", 8192, 0, out CmaChunk c));
            Assert.DoesNotContain(live, x => x.Address < c.Address + c.Size && c.Address < x.Address + x.Size);
        }
        Assert.Equal(0, target.Service.GetRegion("a").Faults);
    }

    [Fact]
    public void A_state_that_does_not_match_the_configuration_names_each_region_and_field()
    {
        CmaState state = Fragmented();
        using TestHost target = TestHost.Start("[ " + TestHost.Region("a", "best-fit", "8M") + " ]");

        IReadOnlyList<string> problems = target.Service.CheckState(state);

        Assert.Contains(problems, p => p.Contains("region 'a'", StringComparison.Ordinal) && p.Contains("Size is 4M", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("region 'b' is in the state but not configured", StringComparison.Ordinal));
        Assert.False(target.Service.TryRestoreState(state, out _, out string? reason));
        Assert.Contains("Size", reason, StringComparison.Ordinal);
        Assert.Equal(0, target.Service.GetRegion("a").Chunks);
    }

    [Fact]
    public void An_overlapping_chunk_refuses_the_restore_names_the_chunk_and_leaves_every_region_as_it_was()
    {
        CmaState state = Fragmented();
        CmaChunkState first = state.Regions[1].Chunks[0];
        var bad = state with
        {
            Regions = [state.Regions[0], state.Regions[1] with { Chunks = [.. state.Regions[1].Chunks, first with { Owner = "dup/x" }] }],
        };
        using TestHost target = TestHost.Start(s_regions);

        Assert.False(target.Service.TryRestoreState(bad, out _, out string? reason));

        Assert.Contains($"chunk 0x{first.Address:X}+{first.Size} (owner 'dup/x') overlaps", reason, StringComparison.Ordinal);
        foreach (string name in new[] { "a", "b" })
        {
            CmaRegionSnapshot s = target.Service.GetRegion(name);
            Assert.Equal(0, s.Chunks);
            Assert.Equal(s.Size, s.FreeBytes);
            Assert.Equal(RegionState.Active, s.State);
        }
        Assert.True(target.Service.TryRestoreState(state, out _, out reason), reason);   // and it still takes a good one
    }

    [Fact]
    public void A_region_with_chunks_or_an_allocator_without_exact_placement_refuses_the_restore()
    {
        CmaState state = Fragmented();
        using TestHost busy = TestHost.Start(s_regions);
        Assert.Equal(CmaOutcome.Ok, busy.Service.TryAllocateFrom("a", 4096, 0, out _));
        Assert.False(busy.Service.TryRestoreState(state, out _, out string? reason));
        Assert.Contains("region 'a' holds 1 chunk(s)", reason, StringComparison.Ordinal);

        using TestHost faulty = TestHost.Start(s_regions);
        IConfiguration settings = new ConfigurationBuilder().AddInMemoryCollection([new("Fault", "None")]).Build();
        Assert.True(faulty.Service.TrySwapAllocator("a", "faulty", settings, out reason), reason);
        Assert.False(faulty.Service.TryRestoreState(state, out _, out reason));
        Assert.Contains("ICmaExactPlacement", reason, StringComparison.Ordinal);
        Assert.Equal(0, faulty.Service.GetRegion("b").Chunks);
    }

    [Fact]
    public void Movable_chunks_are_restored_as_contiguous_and_their_pins_are_counted_as_dropped()
    {
        CmaState state = Fragmented();
        CmaChunkState moved = state.Regions[0].Chunks[0] with { Kind = CmaChunkKind.Movable, Pins = 2 };
        state = state with { Regions = [state.Regions[0] with { Chunks = [moved, .. state.Regions[0].Chunks.Skip(1)] }, state.Regions[1]] };
        using TestHost target = TestHost.Start(s_regions);

        Assert.True(target.Service.TryRestoreState(state, out IReadOnlyList<CmaRestoredRegion> restored, out string? reason), reason);

        Assert.Equal(1, restored[0].MovableAsContiguous);
        Assert.Equal(2, restored[0].PinsDropped);
        CmaChunkState back = target.Service.CaptureState().Regions[0].Chunks[0];
        Assert.Equal((moved.Address, CmaChunkKind.Contiguous, 0), (back.Address, back.Kind, back.Pins));
    }

    /// <summary>The state of a host whose regions were filled and then partly freed, with owners.</summary>
    private static CmaState Fragmented()
    {
        using TestHost source = TestHost.Start(s_regions, """[ "cam=a", "gpu=b" ]""");
        var chunks = new List<CmaChunk>();
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(CmaOutcome.Ok, source.Service.TryAllocate("cam", "preview", 4096UL * (1 + (ulong)(i % 5)), 0, out CmaChunk c));
            Assert.Equal(CmaOutcome.Ok, source.Service.TryAllocate("gpu", "", 4000, 0, out CmaChunk g));
            chunks.Add(c);
            chunks.Add(g);
        }
        foreach (CmaChunk c in chunks.Where((_, i) => i % 3 == 1))
            source.Service.Free(c.Address);
        return source.Service.CaptureState();
    }
}
