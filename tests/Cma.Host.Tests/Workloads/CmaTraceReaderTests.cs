using Cma.Host.Workloads;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

public class CmaTraceReaderTests
{
    [Fact]
    public void Allocations_carry_sizes_alignments_and_devices_in_every_notation()
    {
        using var reader = new CmaTraceReader(Lines("# region 64M\na x 64K 1M @camera/preview\na y 0x1000 @gfx\na z 3000 # note\nf x\n"), "t.trace", false);

        List<TraceOp> ops = ReadAll(reader);

        Assert.Equal(4, ops.Count);
        Assert.Equal(new TraceOp(TraceOpKind.Allocate, 0, 65536, 1 << 20, "camera", "preview", 2), ops[0]);
        Assert.Equal((4096UL, 0UL, "gfx", (string?)null), (ops[1].Size, ops[1].Alignment, ops[1].Device, ops[1].Type));
        Assert.Equal(3000UL, ops[2].Size);
        Assert.Equal(new TraceOp(TraceOpKind.Free, 0, 0, 0, null, null, 5), ops[3]);
    }

    [Fact]
    public void Freeing_an_id_the_trace_never_allocated_is_an_error_naming_file_and_line()
    {
        using var reader = new CmaTraceReader(Lines("a x 4K\nf y\n"), "bad.trace", false);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Equal(2, e.Line);
        Assert.StartsWith("bad.trace:2: ", e.Message);
        Assert.Contains("'y'", e.Message);
    }

    [Theory]
    [InlineData("a x\n", "needs a size")]
    [InlineData("a x 4K 3000\n", "not a power of two")]
    [InlineData("a x 4Q\n", "not a size")]
    [InlineData("z x 4K\n", "unknown operation")]
    [InlineData("a x 4K\na x 8K\n", "still live")]
    [InlineData("a x 4K @\n", "not a device")]
    public void Malformed_lines_are_errors(string text, string expected)
    {
        using var reader = new CmaTraceReader(Lines(text), "bad.trace", false);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Lenient_reading_skips_malformed_lines_and_counts_them()
    {
        using var reader = new CmaTraceReader(Lines("a x 4K\nf nope\na y 4Q\nf x\n"), "t.trace", lenient: true);

        List<TraceOp> ops = ReadAll(reader);

        Assert.Equal([TraceOpKind.Allocate, TraceOpKind.Free], ops.Select(o => o.Kind));
        Assert.Equal(2, reader.Counters.BadLinesSkipped);
        Assert.StartsWith("t.trace:2:", reader.Counters.FirstBadLine);
    }

    [Fact]
    public void Slots_are_reused_after_a_free_so_they_stay_below_the_peak_live_count()
    {
        using var reader = new CmaTraceReader(Lines("a a 4K\na b 4K\nf a\na c 4K\nf b\nf c\na d 4K\n"), "t.trace", false);

        int maxSlot = ReadAll(reader).Max(o => o.Slot);

        Assert.Equal(1, maxSlot);
    }
}
