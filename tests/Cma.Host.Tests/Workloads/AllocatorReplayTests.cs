using Cma.Host.Workloads;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

public class AllocatorReplayTests
{
    [Fact]
    public void Peak_live_footprint_and_first_failure_match_a_hand_computed_tiny_trace()
    {
        // 16K region, first fit, 4K granule: a at 0 (8K), b at 8K (4K) -> peak 12K at op 2; free a; c at 0 (4K);
        // d (12K) fails at op 5 with 8K live and 8K free in two 4K holes [4K,8K) and [12K,16K); e goes to 4K.
        const string Trace = "a a 8K\na b 4K\nf a\na c 4K\na d 12K\na e 4K\n";

        ReplayResult r = Replay(Trace, 16 << 10);

        Assert.Equal((5L, 4L, 1L), (r.Requests, r.Satisfied, r.Failed));
        Assert.Equal(12UL << 10, r.PeakLiveBytes);            // a + b, and again c + b + e
        Assert.Equal(2L, r.PeakLiveOp);
        Assert.Equal(12UL << 10, r.PeakFootprint);           // nothing ever ends past 12K
        Assert.Equal(new ReplayFailure(5, 5, 12 << 10, 4096, 8 << 10, 8 << 10, 4 << 10), r.FirstFailure);
        Assert.Equal(1.0, r.Utilisation);
    }

    [Fact]
    public void A_free_of_a_failed_allocation_is_skipped_and_counted()
    {
        ReplayResult r = Replay("a big 1M\nf big\na x 4K\n", 64 << 10);

        Assert.Equal((1L, 1L, 0L), (r.Failed, r.FreesOfFailedSkipped, r.Frees));
    }

    [Fact]
    public void A_zero_size_request_replays_as_one_granule_and_is_counted()
    {
        ReplayResult r = Replay("a x 0\n", 64 << 10, granule: 16);

        Assert.Equal(1L, r.ZeroSizeRequests);
        Assert.Equal(16UL, r.PeakLiveBytes);
    }

    [Fact]
    public void Byte_sizes_are_rounded_up_to_the_granule()
    {
        ReplayResult r = Replay("a x 17\na y 1\n", 1 << 10, granule: 16);

        Assert.Equal(48UL, r.PeakLiveBytes);
        Assert.Equal(18UL, r.PeakRequestedBytes);
    }

    [Fact]
    public void External_fragmentation_is_one_minus_largest_free_over_free_and_is_sampled_every_operation()
    {
        // 16K: a b c d of 4K each, free a and c: free 8K in two 4K holes -> 50 %.
        ReplayResult r = Replay("a a 4K\na b 4K\na c 4K\na d 4K\nf a\nf c\n", 16 << 10);

        Assert.Equal(0.5, r.FragmentationMax);
        Assert.Equal(6, r.FragmentationSamples);
        Assert.Equal(6, r.Series.Sum(p => p.Ops));
    }

    [Fact]
    public void An_allocator_that_breaks_the_contract_is_reported_as_a_fault_and_the_replay_stops()
    {
        using var reader = new CmaTraceReader(Lines("a a 4K\na b 4K\na c 4K\n"), "t.trace", false);

        ReplayResult r = AllocatorReplay.Run(reader, OpenRegion(64 << 10, provider: new OverlappingProvider()), new ReplayOptions());

        Assert.NotNull(r.Fault);
        Assert.Contains("overlaps", r.Fault);
        Assert.Equal(1L, r.Satisfied);
    }

    [Fact]
    public void Occupancy_maps_are_taken_at_peak_load_and_at_the_first_failure()
    {
        ReplayResult r = Replay("a a 8K\na b 4K\nf a\na d 12K\n", 16 << 10, options: new ReplayOptions { PeakSnapshotOp = 2, SnapshotFirstFailure = true });

        Assert.Equal(["peak load", "first failure"], r.Occupancy.Select(m => m.What));
        Assert.Equal(0.75, r.Occupancy[0].Cells.Average(), 3);
        Assert.Equal(0.25, r.Occupancy[1].Cells.Average(), 3);
    }

    /// <summary>Hands out the region's start every time: the second allocation overlaps the first.</summary>
    private sealed class OverlappingProvider : ICmaAllocatorProvider
    {
        public string Name => "overlapping";

        public string Description => "Broken on purpose.";

        public ICmaAllocator Create(CmaRegion region, Microsoft.Extensions.Configuration.IConfiguration settings) => new Overlapping(region);

        private sealed class Overlapping(CmaRegion region) : ICmaAllocator
        {
            /// <summary>Bytes handed out and not freed.</summary>
            private ulong _reserved;

            public CmaAllocatorStats Stats => new(region.Size - _reserved, region.Size - _reserved, 1);

            public CmaAllocatorTraits Traits => CmaAllocatorTraits.Exact(region.Granule);

            public bool TryAllocate(ulong size, ulong alignment, out ulong address)
            {
                _reserved += size;
                address = region.Start;
                return true;
            }

            public void Free(ulong address, ulong size) => _reserved -= size;

            public void Dispose()
            {
            }
        }
    }
}
