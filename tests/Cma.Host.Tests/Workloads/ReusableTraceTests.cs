using Cma.Runtime.Regions;
using Cma.Host.Workloads;
using Microsoft.Extensions.Logging.Abstractions;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

/// <summary>The reusable-region operations of Cma's format (<c>m</c>, <c>d</c>, <c>p</c>, <c>u</c>): how they read, the
/// errors they make, and what the replays and the profile pass do with them.</summary>
public class ReusableTraceTests
{
    private const string AllKinds = "m x 64K 4K @pagecache\nd y 8K\np x\np x long\nu x\na c 1M 1M @camera/preview\nu x\nf x\nf y\nf c\n";

    [Fact]
    public void Movable_and_discardable_allocations_read_like_contiguous_ones_with_their_own_kind()
    {
        using var reader = new CmaTraceReader(Lines("m x 64K 4K @pagecache\nd y 0x2000 @pagecache/cache\nm z 3000 # note\n"), "t.trace", false);

        List<TraceOp> ops = ReadAll(reader);

        Assert.Equal(new TraceOp(TraceOpKind.AllocateMovable, 0, 65536, 4096, "pagecache", null, 1), ops[0]);
        Assert.Equal(new TraceOp(TraceOpKind.AllocateDiscardable, 1, 8192, 0, "pagecache", "cache", 2), ops[1]);
        Assert.Equal(new TraceOp(TraceOpKind.AllocateMovable, 2, 3000, 0, null, null, 3), ops[2]);
    }

    [Fact]
    public void Pins_long_term_pins_unpins_and_frees_carry_the_slot_and_line()
    {
        using var reader = new CmaTraceReader(Lines(AllKinds), "t.trace", false);

        List<TraceOp> ops = ReadAll(reader);

        Assert.Equal(
            [TraceOpKind.AllocateMovable, TraceOpKind.AllocateDiscardable, TraceOpKind.Pin, TraceOpKind.PinLongTerm, TraceOpKind.Unpin,
             TraceOpKind.Allocate, TraceOpKind.Unpin, TraceOpKind.Free, TraceOpKind.Free, TraceOpKind.Free],
            ops.Select(o => o.Kind));
        Assert.Equal(new TraceOp(TraceOpKind.Pin, 0, 0, 0, null, null, 3), ops[2]);
        Assert.Equal(new TraceOp(TraceOpKind.PinLongTerm, 0, 0, 0, null, null, 4), ops[3]);
        Assert.Equal(new TraceOp(TraceOpKind.Unpin, 0, 0, 0, null, null, 5), ops[4]);
    }

    [Theory]
    [InlineData("p x\n", 1, "pins id 'x', which is not live")]
    [InlineData("m x 4K\nf x\np x\n", 3, "pins id 'x', which is not live")]
    [InlineData("u x\n", 1, "unpins id 'x', which is not live")]
    [InlineData("a x 4K\np x\n", 2, "'p' pins movable chunks; id 'x' was allocated with 'a'")]
    [InlineData("a x 4K\nu x\n", 2, "'u' unpins movable chunks; id 'x' was allocated with 'a'")]
    [InlineData("m x 4K\nu x\n", 2, "unpins id 'x', which has no pin outstanding")]
    [InlineData("m x 4K\np x\nu x\nu x\n", 4, "unpins id 'x', which has no pin outstanding")]
    [InlineData("m x 4K\np x\nf x\nm x 4K\nu x\n", 5, "unpins id 'x', which has no pin outstanding")]
    [InlineData("m x 4K\np x short\n", 2, "unexpected 'short' after the id of 'p'; expected 'p <id>' or 'p <id> long'")]
    [InlineData("m x 4K\np x long 2\n", 2, "unexpected '2' after the id of 'p'")]
    [InlineData("m x 4K\np x\nu x now\n", 3, "unexpected 'now' after the id of 'u'")]
    [InlineData("p\n", 1, "'p' needs an id")]
    [InlineData("u\n", 1, "'u' needs an id")]
    [InlineData("m x\n", 1, "allocation 'x' needs a size")]
    [InlineData("d x @pagecache\n", 1, "allocation 'x' needs a size")]
    [InlineData("m x 4Q\n", 1, "'4Q' is not a size")]
    [InlineData("d x 4K 3000\n", 1, "alignment '3000' is not a power of two")]
    [InlineData("d x 4K @a @b\n", 1, "unexpected '@b'; expected 'd <id> <size> [<align>] [@<device>[/<type>]]'")]
    [InlineData("a x 4K\nm x 4K\n", 2, "allocates id 'x', which is still live")]
    [InlineData("m x 4K\nd x 4K\n", 2, "allocates id 'x', which is still live")]
    [InlineData("mm x 4K\n", 1, "unknown operation 'mm'; expected 'a|m|d <id> <size> [<align>] [@<device>[/<type>]]', 'f <id>', 'p <id> [long]' or 'u <id>'")]
    public void Malformed_reusable_lines_are_errors_naming_their_line(string text, int line, string expected)
    {
        using var reader = new CmaTraceReader(Lines(text), "bad.trace", false);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Equal(line, e.Line);
        Assert.StartsWith($"bad.trace:{line}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_free_drops_the_pins_still_outstanding()
    {
        using var reader = new CmaTraceReader(Lines("m x 4K\np x\np x long\nf x\nm x 4K\np x\nu x\n"), "t.trace", false);

        Assert.Equal(7, ReadAll(reader).Count);
    }

    [Fact]
    public void Slots_are_reused_across_movable_and_contiguous_ids_after_a_free()
    {
        using var reader = new CmaTraceReader(Lines("m a 4K\nd b 4K\nf a\na c 4K\nf b\nf c\nm d 4K\np d\nu d\n"), "t.trace", false);

        List<TraceOp> ops = ReadAll(reader);

        Assert.Equal(1, ops.Max(o => o.Slot));
        Assert.Equal(0, ops[3].Slot);   // c takes a's slot
        Assert.Equal(ops[6].Slot, ops[7].Slot);
    }

    [Fact]
    public void A_slot_reused_by_a_contiguous_id_cannot_be_pinned_although_a_movable_one_held_it()
    {
        using var reader = new CmaTraceReader(Lines("m a 4K\np a\nf a\na b 4K\np b\n"), "t.trace", false);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Equal(5, e.Line);
    }

    [Fact]
    public void Lenient_reading_skips_bad_pins_without_counting_them_as_pins()
    {
        using var reader = new CmaTraceReader(Lines("a x 4K\np x\nm y 4K\nu y\np y\nu y\n"), "t.trace", lenient: true);

        List<TraceOp> ops = ReadAll(reader);

        Assert.Equal([TraceOpKind.Allocate, TraceOpKind.AllocateMovable, TraceOpKind.Pin, TraceOpKind.Unpin], ops.Select(o => o.Kind));
        Assert.Equal(2, reader.Counters.BadLinesSkipped);
    }

    [Fact]
    public void A_trace_that_starts_with_a_movable_allocation_is_detected_as_cma()
    {
        Assert.Equal(TraceFormat.Cma, TraceFile.Detect(["# region 1M", "m x 4K", "f x"]));
        Assert.Equal(TraceFormat.Cma, TraceFile.Detect(["d x 4K"]));
    }

    [Fact]
    public void The_profile_pass_counts_movable_requests_and_live_bytes_and_records_every_kind()
    {
        TraceFile file = TraceFile.Open(WriteTemp("t.trace", "# region 4M\n" + AllKinds));

        TraceProfile profile = TraceProfile.Measure(file, 4096);

        Assert.Equal((10L, 3L), (profile.Operations, profile.Requests));
        Assert.Equal((64UL << 10) + (8UL << 10) + (1UL << 20), profile.PeakLiveBytes);
        using ITraceReader fromMemory = profile.OpenReader(file);
        using var fromText = new CmaTraceReader(Lines(AllKinds), "t.trace", false);
        Assert.Equal(
            ReadAll(fromText).Select(o => (o.Kind, o.Slot, o.Size, o.Alignment, o.Line + 1)),
            ReadAll(fromMemory).Select(o => (o.Kind, o.Slot, o.Size, o.Alignment, o.Line)));
    }

    [Fact]
    public void A_raw_allocator_places_movable_chunks_like_contiguous_ones_and_ignores_pins()
    {
        ReplayResult r = Replay(AllKinds, 2 << 20);

        Assert.Equal((3L, 3L, 0L, 3L), (r.Requests, r.Satisfied, r.Failed, r.Frees));
        Assert.Equal((64UL << 10) + (8UL << 10) + (1UL << 20), r.PeakLiveBytes);
    }

    [Fact]
    public void The_map_replay_places_movable_chunks_through_the_map_and_in_a_region_that_is_not_reusable_they_stay_put()
    {
        var provider = new FirstFitProvider();
        var region = new Region(new CmaRegion("r", 1UL << 30, 4 << 20, 4096), 4096, provider.Name, provider,
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), NullLogger.Instance);
        Assert.Null(region.Open());
        using var service = new CmaService([region], Mapping.MapText.Parse(["*=r"]), NullLogger.Instance);
        using var reader = new CmaTraceReader(Lines(AllKinds.Replace("d y 8K", "d y 8K @pagecache", StringComparison.Ordinal)), "t.trace", false);

        MapReplayResult result = MapReplay.Run(reader, service, "t.trace", null, null, null);

        Assert.Equal(2L, result.Devices.Single(d => d.Device == "pagecache").Requests);
        Assert.Equal(1L, result.Devices.Single(d => d.Device == "camera").Requests);
        Assert.Equal((64UL << 10) + (8UL << 10) + (1UL << 20), result.Regions[0].PeakLiveBytes);
        Assert.Equal(0, service.GetRegion("r").Chunks);
        Assert.All(result.Migration, m => Assert.Equal(0, m.Migrations));   // not reusable: nothing ever moved
    }
}
