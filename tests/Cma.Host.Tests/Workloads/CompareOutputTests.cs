using System.Globalization;
using System.Text.Json;
using Cma.Host.Workloads;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

/// <summary>What <c>cma compare</c> prints about its times and its first failures, in the table, the summary lines,
/// <c>--json</c> and the HTML report.</summary>
public class CompareOutputTests
{
    [Fact]
    public void The_first_failure_is_named_by_its_line_in_the_file_counting_the_region_line()
    {
        // Line 1 is '# region', so the failing request (the third operation) is on line 4.
        string trace = WriteTemp("t.trace", "# region 64K\na a 32K\na b 32K\na c 4K\nf a\n");
        string report = Path.ChangeExtension(trace, ".html");

        (int code, string output, string error) = Cli.CliRun.Run("compare", trace, "--allocator", "best-fit", "--report", report);

        Assert.True(code == 0, error);
        Assert.Contains("line 4 (op 3): 4 KiB", output);                // the table
        Assert.Contains("first at line 4, op 3", output);               // the summary line
        Assert.Contains("line 4 (op 3): 4 KiB", File.ReadAllText(report));
    }

    [Fact]
    public void The_table_the_json_and_the_report_say_how_the_times_are_measured()
    {
        string trace = WriteTemp("t.trace", "# region 1M\na a 64K\na b 128K 128K\nf a\na c 512K\nf b\nf c\n");
        string report = Path.ChangeExtension(trace, ".html");

        (int code, string output, string error) = Cli.CliRun.Run("compare", trace, "--allocator", "best-fit", "--report", report);
        (int jsonCode, string json, _) = Cli.CliRun.Run("compare", trace, "--allocator", "best-fit", "--json");

        Assert.True(code == 0, error);
        Assert.Equal(0, jsonCode);
        string batches = $"batches of {AllocatorTiming.BatchOperations.ToString("N0", CultureInfo.InvariantCulture)} operations";
        Assert.Contains("time per op mean (batches)", output);
        Assert.Contains(batches, output.ReplaceLineEndings(" "));
        Assert.Contains(batches, File.ReadAllText(report));
        using var doc = JsonDocument.Parse(json);
        JsonElement timing = doc.RootElement.GetProperty("timing");
        Assert.Equal("batched", timing.GetProperty("method").GetString());
        Assert.Equal(AllocatorTiming.BatchOperations, timing.GetProperty("batchOperations").GetInt32());
        Assert.Equal(AllocatorTiming.SampleEvery, timing.GetProperty("sampleEvery").GetInt32());
        Assert.Contains(batches, timing.GetProperty("description").GetString());
        JsonElement result = doc.RootElement.GetProperty("results")[0];
        Assert.Equal(6, result.GetProperty("latency").GetProperty("operations").GetInt64());  // one batch: kept, or (interrupted) all there is
        Assert.Equal(1, result.GetProperty("latency").GetProperty("samples").GetInt64()); // 6 ops: one timed alone
        Assert.Equal(1, result.GetProperty("timedPass").GetProperty("batches").GetInt32());
        Assert.Equal(0, result.GetProperty("timedPass").GetProperty("failed").GetInt64());
    }

    [Fact]
    public void With_find_min_size_the_replay_shown_is_timed()
    {
        string trace = WriteTemp("t.trace", "a a 64K\na b 1M 1M\nf a\na c 64K\n");

        (int code, string json, string error) = Cli.CliRun.Run("compare", trace, "--find-min-size", "--allocator", "best-fit", "--json");

        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(json);
        JsonElement result = doc.RootElement.GetProperty("results")[0];
        Assert.Equal(4, result.GetProperty("latency").GetProperty("operations").GetInt64());  // one batch: kept, or (interrupted) all there is
    }
}
