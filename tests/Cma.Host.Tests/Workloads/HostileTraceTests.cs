using System.IO.Compression;
using System.Text;
using Cma.Host.Workloads;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

/// <summary>Inputs made to hurt: lines megabytes long, tokens that would flood standard error, zip entries that unpack
/// far beyond their archive, streams that fail half-way. Each ends in one short <see cref="TraceFormatException"/>
/// (exit code 2 from the CLI). The inputs are built cheaply: a few megabytes at most, or a lowered limit.</summary>
public class HostileTraceTests
{
    [Fact]
    public void A_line_longer_than_the_limit_stops_the_read_naming_its_line_and_quoting_only_its_start()
    {
        string text = "a x 4K\n" + new string('Q', 3 << 20) + "\nf x\n";
        using var reader = new CmaTraceReader(new TraceLineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), "long.trace"), "long.trace", lenient: true);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Equal(2, e.Line);
        Assert.StartsWith("long.trace:2: the line is longer than 65,536 characters", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("it starts 'QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ…'.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lowered_line_limit_holds_exactly_at_its_length()
    {
        const string Text = "a x 4K\na yy 4K\n";

        using var fits = new CmaTraceReader(new TraceLineReader(new MemoryStream(Encoding.UTF8.GetBytes(Text)), "t", maxLineLength: 7), "t", false);
        using var tooLong = new CmaTraceReader(new TraceLineReader(new MemoryStream(Encoding.UTF8.GetBytes(Text)), "t", maxLineLength: 6), "t", false);

        Assert.Equal(2, ReadAll(fits).Count);
        Assert.Equal(2, Assert.Throws<TraceFormatException>(() => ReadAll(tooLong)).Line);
    }

    [Theory]
    [InlineData("a x {0}\n", "is not a size")]
    [InlineData("a {0} 4K\na {0} 4K\n", "which is still live")]
    [InlineData("f {0}\n", "which is not live")]
    [InlineData("{0} x 4K\n", "unknown operation")]
    [InlineData("a x 4K @{0}/\n", "is not a device")]
    public void A_bad_token_of_any_length_is_quoted_by_its_first_40_characters_and_its_length(string line, string problem)
    {
        string token = new('Q', 50_000);
        using var reader = new CmaTraceReader(Lines(string.Format(System.Globalization.CultureInfo.InvariantCulture, line, token)), "t.trace", false);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Matches(@"'@?Q{39,40}…' \(50,00[0-2] characters\)", e.Message);
        Assert.True(e.Message.Length < 300, $"{e.Message.Length} characters");
    }

    [Fact]
    public void A_device_name_longer_than_256_characters_is_a_bad_line()
    {
        using var reader = new CmaTraceReader(Lines($"a x 4K @camera/{new string('p', 257)}\n"), "t.trace", false);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Contains("names a device or type longer than 256 characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_inventing_a_device_per_line_stops_at_the_4096th_distinct_name()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 5000; i++)
            text.Append("a x").Append(i).Append(" 4K @gpu/t").Append(i).Append('\n');
        using var reader = new CmaTraceReader(Lines(text.ToString()), "t.trace", false);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Equal(4096, e.Line); // gpu and 4,095 types fit; the 4,096th type would be the 4,097th name
        Assert.EndsWith("'@gpu/t4095' would be past the 4,096 distinct device and type names a trace may use (use --lenient to skip bad lines)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_in_a_quoted_token_are_shown_as_question_marks()
    {
        using var reader = new AndroidTraceReader(Lines("1: malloc 0x10 16\n1: \u001b[31mred 0x10\n"), "t.txt", false);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Contains("unknown action '?[31mred'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rep_header_of_no_ids_says_so_instead_of_counting_to_two_to_the_64()
    {
        using var reader = new RepTraceReader(Lines("0\n0\n1\n0\na 0 16\n"), "t.rep", false);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.EndsWith("'0' is not an id: the header says the trace has no ids (use --lenient to skip bad lines)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zip_entry_that_unpacks_beyond_the_limit_is_refused_before_reading()
    {
        string path = CompressibleZip(2 << 20);

        var e = Assert.Throws<TraceFormatException>(() => TraceFile.Open(path, limits: new TraceLimits(1024, 1 << 20)));

        Assert.Equal("bomb.zip: its entry 'dump.txt' unpacks to 2 MiB, more than the 1 MiB a zipped trace may hold. Unpack it yourself and give the file.", e.Message);
    }

    [Fact]
    public void A_zip_entry_whose_header_understates_its_size_unpacks_no_further_than_the_header_says()
    {
        string path = CompressibleZip(2 << 20);
        UnderstateUnzippedSize(path, 100);
        TraceFile trace = TraceFile.Open(path, limits: new TraceLimits(1024, 1 << 20));
        using ITraceReader reader = trace.OpenReader();

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.True(e.Line <= 7, $"read on to line {e.Line}: {e.Message}"); // 100 bytes are six lines of 'dump.txt' and a cut one
    }

    [Fact]
    public void A_stream_that_fails_half_way_ends_the_read_with_the_line_it_reached()
    {
        using var reader = new CmaTraceReader(new TraceLineReader(new FailingStream("a x 4K\nf x\na y 4K\n"), "t.trace"), "t.trace", false);

        var e = Assert.Throws<TraceFormatException>(() => ReadAll(reader));

        Assert.Equal("t.trace:4: cannot be read: the disk went away", e.Message);
    }

    [Fact]
    public void Compare_of_a_small_zip_holding_a_line_of_megabytes_exits_2_with_one_short_paragraph()
    {
        string path = WriteTemp("one-line.zip", "");
        File.Delete(path);
        using (ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using Stream entry = zip.CreateEntry("dump.txt", CompressionLevel.SmallestSize).Open();
            entry.Write("1: malloc 0x10 16\n1: "u8);
            byte[] x = new byte[1 << 20];
            x.AsSpan().Fill((byte)'x');
            for (int i = 0; i < 8; i++)
                entry.Write(x);
        }

        (int code, string output, string error) = Cli.CliRun.Run("compare", path, "--region-size", "1M", "--config", Cli.CliRun.DefaultConfig);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("cma compare: one-line.zip:2: the line is longer than 65,536 characters, so this is not a trace (a trace line is a few dozen, "
            + "e.g. 'a <id> <size>'); it starts '1: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'.", error.TrimEnd());
    }

    [Fact]
    public void Compare_of_a_trace_with_a_token_of_megabytes_quotes_only_its_start()
    {
        string path = WriteTemp("token.trace", "# region 1M\na x " + new string('Q', 60_000) + "\n");

        (int code, _, string error) = Cli.CliRun.Run("compare", path, "--config", Cli.CliRun.DefaultConfig);

        Assert.Equal(2, code);
        Assert.Equal("cma compare: token.trace:2: 'QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ…' (60,000 characters) is not a size (e.g. 4096, 64K, 0x1000) "
            + "(use --lenient to skip bad lines)", error.TrimEnd());
    }

    [Fact]
    public void A_trace_removed_after_it_was_opened_is_a_read_error_when_it_is_read_again()
    {
        string path = WriteTemp("gone.trace", "a x 4K\n");
        TraceFile trace = TraceFile.Open(path);
        File.Delete(path);

        var e = Assert.Throws<TraceFormatException>(trace.OpenReader);

        Assert.StartsWith("gone.trace: cannot be read: ", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A zip holding <c>dump.txt</c>: <paramref name="bytes"/> of valid Android lines, streamed into the archive
    /// (a few kilobytes on disk).</summary>
    private static string CompressibleZip(int bytes)
    {
        string path = WriteTemp("bomb.zip", "");
        File.Delete(path);
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using Stream entry = zip.CreateEntry("dump.txt", CompressionLevel.SmallestSize).Open();
        byte[] pair = Encoding.ASCII.GetBytes("1: malloc 0x10 16\n1: free 0x10\n");
        for (int written = 0; written < bytes; written += pair.Length)
            entry.Write(pair);
        return path;
    }

    /// <summary>Writes <paramref name="size"/> as the unzipped size in the local and central headers of the archive's one entry.</summary>
    private static void UnderstateUnzippedSize(string path, uint size)
    {
        byte[] zip = File.ReadAllBytes(path);
        int local = zip.AsSpan().IndexOf("PK\u0003\u0004"u8), central = zip.AsSpan().IndexOf("PK\u0001\u0002"u8);
        BitConverter.TryWriteBytes(zip.AsSpan(local + 22, 4), size);
        BitConverter.TryWriteBytes(zip.AsSpan(central + 24, 4), size);
        File.WriteAllBytes(path, zip);
    }

    /// <summary>Gives <paramref name="text"/>, then fails as a disk might.</summary>
    private sealed class FailingStream(string text) : MemoryStream(Encoding.UTF8.GetBytes(text))
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = base.Read(buffer, offset, count);
            return n > 0 ? n : throw new IOException("the disk went away");
        }

        public override int Read(Span<byte> buffer)
        {
            int n = base.Read(buffer);
            return n > 0 ? n : throw new IOException("the disk went away");
        }
    }
}
