using System.IO.Compression;
using Cma.Host.Workloads;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

public class PublicFormatReaderTests
{
    private const string Rep = "20000\n3\n6\n1\na 0 512\na 1 128\nr 0 640\nf 1\nf 1\nf 0\n";

    [Fact]
    public void A_rep_realloc_is_a_free_of_the_live_block_and_a_new_allocation()
    {
        using var reader = new RepTraceReader(Lines(Rep), "t.rep", false);

        List<TraceOp> ops = ReadAll(reader);

        Assert.Equal(
            [(TraceOpKind.Allocate, 512UL), (TraceOpKind.Allocate, 128UL), (TraceOpKind.Free, 0UL), (TraceOpKind.Allocate, 640UL), (TraceOpKind.Free, 0UL), (TraceOpKind.Free, 0UL)],
            ops.Select(o => (o.Kind, o.Size)));
        Assert.Equal(6UL, reader.OperationCount);
    }

    [Fact]
    public void A_rep_free_of_an_id_that_is_not_live_is_free_null_skipped_and_counted()
    {
        using var reader = new RepTraceReader(Lines(Rep), "t.rep", false);

        ReadAll(reader);

        Assert.Equal(1, reader.Counters.NullFreesSkipped);
    }

    [Theory]
    [InlineData("20000\nlots\n6\n1\n", 2, "whole number")]
    [InlineData("20000\n3\n6\n1\na 7 16\n", 5, "ids run from 0 to 2")]
    [InlineData("20000\n3\n6\n1\na 0\n", 5, "needs a size")]
    [InlineData("20000\n3\n6\n1\nx 0 1\n", 5, "unknown operation")]
    public void Malformed_rep_lines_are_errors_with_their_line(string text, long line, string expected)
    {
        using var reader = new RepTraceReader(Lines(text), "t.rep", false);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Equal(line, e.Line);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void An_android_dump_in_a_zip_is_read_straight_from_the_archive()
    {
        string path = Zip("trace.zip", "t.txt",
            "10: malloc 0xa000 100\n10: calloc 0xb000 4 8\n11: memalign 0xc000 64 16\n10: realloc 0xd000 0xa000 300\n"
            + "11: free 0x0\n11: free 0xb000\n11: malloc 0xb000 7\n10: thread_done 0x0\n");

        TraceFile trace = TraceFile.Open(path);
        using ITraceReader reader = trace.OpenReader();
        List<TraceOp> ops = ReadAll(reader);

        Assert.Equal(TraceFormat.Android, trace.Format);
        Assert.Equal(
            [(TraceOpKind.Allocate, 100UL, 0UL), (TraceOpKind.Allocate, 32UL, 0UL), (TraceOpKind.Allocate, 16UL, 64UL), (TraceOpKind.Free, 0UL, 0UL),
             (TraceOpKind.Allocate, 300UL, 0UL), (TraceOpKind.Free, 0UL, 0UL), (TraceOpKind.Allocate, 7UL, 0UL)],
            ops.Select(o => (o.Kind, o.Size, o.Alignment)));
        Assert.Equal(1, reader.Counters.NullFreesSkipped);
        Assert.Equal(ops[1].Slot, ops[5].Slot);
    }

    [Theory]
    [InlineData("10: memalign 0xc000 48 16\n", "not a power of two")]
    [InlineData("10: mmap 0xc000 16\n", "unknown action")]
    [InlineData("malloc 0xc000 16\n", "expected '<tid>: <action>")]
    [InlineData("10: malloc 0xzz 16\n", "not a pointer")]
    public void Malformed_android_lines_are_errors(string text, string expected)
    {
        using var reader = new AndroidTraceReader(Lines("10: malloc 0x10 8\n" + text), "t.txt", false);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Equal(2, e.Line);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void An_android_allocation_over_a_still_live_pointer_frees_the_old_one_first()
    {
        using var reader = new AndroidTraceReader(Lines("1: malloc 0x10 8\n1: malloc 0x10 9\n"), "t.txt", false);

        List<TraceOp> ops = ReadAll(reader);

        Assert.Equal([TraceOpKind.Allocate, TraceOpKind.Free, TraceOpKind.Allocate], ops.Select(o => o.Kind));
        Assert.Equal(1, reader.Counters.LivePointersReused);
    }

    [Theory]
    [InlineData("# region 64M\na 1 4K\n", "Cma")]
    [InlineData("20000\n3\n6\n1\na 0 512\n", "Rep")]
    [InlineData("202: malloc 0xb4827400 1024\n", "Android")]
    public void The_format_is_detected_by_content(string text, string expected)
    {
        TraceFile trace = TraceFile.Open(WriteTemp("trace.any", text));

        Assert.Equal(expected, trace.Format.ToString());
    }

    [Fact]
    public void The_leading_region_comment_gives_the_region_size()
    {
        TraceFile trace = TraceFile.Open(WriteTemp("t.trace", "# made by hand\n# region 0x4000000\na 1 4K\n"));

        Assert.Equal(64UL << 20, trace.RegionSize);
    }

    private static string Zip(string name, string entry, string text)
    {
        string path = WriteTemp(name, "");
        File.Delete(path);
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var writer = new StreamWriter(zip.CreateEntry(entry).Open()))
            writer.Write(text);
        return path;
    }
}
