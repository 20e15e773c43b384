using Cma.Host.Cli;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

public class WorkloadCliTests
{
    [Fact]
    public void Compare_without_a_region_size_exits_2_and_says_how_to_give_one()
    {
        string trace = WriteTemp("t.trace", "a x 4K\nf x\n");

        (int code, _, string error) = Run("compare", trace);

        Assert.Equal(2, code);
        Assert.Contains("--region-size", error);
    }

    [Fact]
    public void Compare_prints_one_column_per_loaded_allocator_and_writes_the_report()
    {
        string trace = WriteTemp("t.trace", "# region 1M\na a 64K\na b 128K 128K\nf a\na c 512K\nf b\nf c\n");
        string report = Path.ChangeExtension(trace, ".html");

        (int code, string output, _) = Run("compare", trace, "--report", report);

        Assert.Equal(0, code);
        foreach (string allocator in new[] { "best-fit", "bitmap", "buddy", "tlsf" })
            Assert.Contains(allocator, output);
        Assert.Contains("peak footprint", output);
        Assert.Equal(4, CountOf(File.ReadAllText(report), "class=\"chart\""));
    }

    [Fact]
    public void Compare_with_find_min_size_reports_a_minimum_per_allocator()
    {
        string trace = WriteTemp("t.trace", "a a 64K\na b 1M 1M\nf a\na c 64K\n");

        (int code, string output, _) = Run("compare", trace, "--find-min-size", "--allocator", "best-fit", "--json");

        Assert.Equal(0, code);
        Assert.Contains("\"minimumRegionSize\": ", output);
        Assert.DoesNotContain("\"minimumRegionSize\": null", output);
    }

    [Theory]
    [InlineData("# region 64K\n# the failing request is on line 5\na a 32K\na b 32K\na c 4K\n", 5)]
    [InlineData("a a 32K\na b 32K\n\na c 4K\n", 4)]
    public void The_first_failure_names_the_trace_line_it_came_from(string text, long line)
    {
        string trace = WriteTemp("t.trace", text);

        (int code, string output, string error) = Run("compare", trace, "--allocator", "best-fit", "--region-size", "64K", "--json");

        Assert.True(code == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        System.Text.Json.JsonElement failure = doc.RootElement.GetProperty("results")[0].GetProperty("firstFailure");
        Assert.Equal(3, failure.GetProperty("op").GetInt64());
        Assert.Equal(line, failure.GetProperty("line").GetInt64());
    }

    [Fact]
    public void Find_min_size_on_a_request_near_2_64_finds_none_up_to_the_largest_region_that_fits()
    {
        string trace = WriteTemp("t.trace", "a a 0xFFFFFFFFFFFFF000\nf a\n");

        (int code, string output, string error) = Run("compare", trace, "--find-min-size", "--allocator", "best-fit", "--json");

        Assert.True(code == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        System.Text.Json.JsonElement result = doc.RootElement.GetProperty("results")[0];
        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty("minimumRegionSize").ValueKind);
        Assert.Equal(0xFFFFFFFFBFFFF000UL, result.GetProperty("searchLimit").GetUInt64()); // 2^64 − 1G, in whole granules
        Assert.Equal(1, result.GetProperty("failed").GetInt64());
    }

    [Fact]
    public void Find_min_size_says_how_far_it_searched_when_no_size_works()
    {
        // A 4K request aligned to 1T needs a region reaching from 1G to 1T; the search stops at 64 × 4K.
        string trace = WriteTemp("t.trace", "a a 4K 1T\nf a\n");

        (int code, string output, _) = Run("compare", trace, "--find-min-size", "--allocator", "best-fit");

        Assert.Equal(0, code);
        Assert.Matches(@"│ minimum region size +│ +none up to 256 KiB │\n│ +│ +\(7 probes\) │", output); // 4K, 8K, … 256K
        Assert.Contains("best-fit: 0/1 satisfied, 1 failed", output);
        Assert.Contains(", minimum region none up to 256 KiB", output);
    }

    [Fact]
    public void Compare_that_saw_a_region_fenced_exits_1_and_says_which()
    {
        string trace = WriteTemp("t.trace", "# region 64K\na a 32K\na b 32K\na c 32K\n");

        (int code, string output, string error) = Run("compare", trace, "--plugin", BrokenPluginDll, "--allocator", "best-fit", "--allocator", "broken-throws-on-full");

        Assert.Equal(1, code);
        Assert.Contains("best-fit: 2/3 satisfied, 1 failed", output);
        Assert.Contains("broken-throws-on-full: 2/3 satisfied, 0 failed", output);
        Assert.Contains("; FENCED: TryAllocate(32768, 4096) threw InvalidOperationException", output);
        Assert.Equal("cma compare: the region of broken-throws-on-full was fenced after a plugin fault (the output says why); exit code 1.", error.TrimEnd());
    }

    [Fact]
    public void An_allocator_that_refuses_a_region_larger_than_it_manages_is_a_result_not_a_fault()
    {
        string trace = WriteTemp("t.trace", "# region 16T\na a 4K\nf a\n");

        (int code, string output, string error) = Run("compare", trace, "--allocator", "bitmap");

        Assert.True(code == 0, error);
        Assert.Equal("", error);
        Assert.Contains("bitmap: 0/0 satisfied, 0 failed; peak live 0 B, footprint 0 B, ext. frag. max 0.0 %; refused the region: bitmap: Create threw CmaSettingsException", output);
    }

    [Fact]
    public void Replay_that_saw_a_region_fenced_exits_1_also_with_json()
    {
        string trace = WriteTemp("t.trace", "a a 32K\na b 32K\na c 32K\n");
        string config = Cli.CliRun.TempConfig("""{ "Cma": { "Regions": [ { "Name": "r", "Size": "64K", "Allocator": "broken-throws-on-full" } ] } }""");

        (int code, string output, string error) = Run("replay", trace, "--device", "gpu", "--json", "--plugin", BrokenPluginDll, "--config", config);

        Assert.Equal(1, code);
        Assert.Contains("\"fault\": \"", output);
        Assert.Equal("cma replay: region r (broken-throws-on-full) was fenced after a plugin fault (the output says why); exit code 1.", error.TrimEnd());
    }

    [Fact]
    public void Trace_generate_writes_the_same_trace_for_the_same_seed_with_its_region_line()
    {
        string first = Path.Combine(Path.GetDirectoryName(WriteTemp("x", ""))!, "a.trace");
        string second = Path.ChangeExtension(first, ".b.trace");

        Run("trace", "generate", "--profile", "log-uniform", "--ops", "500", "--seed", "9", "--align", "mix", "--fill", "0.5", "-o", first);
        Run("trace", "generate", "--profile", "log-uniform", "--ops", "500", "--seed", "9", "--align", "mix", "--fill", "0.5", "-o", second);

        string text = File.ReadAllText(first);
        Assert.Equal(text, File.ReadAllText(second));
        Assert.StartsWith("# region 256M\n", text);
        Assert.Equal(500, text.Split('\n').Count(l => l.StartsWith("a ", StringComparison.Ordinal) || l.StartsWith("f ", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_command_in_a_generated_traces_header_writes_the_same_trace_again()
    {
        string first = Path.Combine(Path.GetDirectoryName(WriteTemp("x", ""))!, "a.trace");
        string second = Path.ChangeExtension(first, ".b.trace");
        Run("trace", "generate", "--profile", "log-uniform", "--ops", "300", "--seed", "4", "--min", "8K", "--max", "2M", "--fill", "0.35", "--align", "64K", "-o", first);
        string header = File.ReadLines(first).ElementAt(1);

        string[] command = header["# generated by: cma ".Length..].Split(' ');
        (int code, _, string error) = Run([.. command, "-o", second]);

        Assert.Equal("# generated by: cma trace generate --profile log-uniform --ops 300 --seed 4 --region-size 256M --min 8K --max 2M --fill 0.35 --align 64K", header);
        Assert.Equal("Wrote 300 operations (log-uniform, seed 4) to " + second + ".", error.TrimEnd());
        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllText(first), File.ReadAllText(second));
    }

    [Fact]
    public void Replay_help_offers_no_granule_since_replay_refuses_it_and_compare_help_does()
    {
        (int replay, string replayHelp, _) = Run("replay", "--help");
        (int compare, string compareHelp, _) = Run("compare", "--help");

        Assert.Equal(0, replay);
        Assert.Equal(0, compare);
        Assert.DoesNotContain("--granule", replayHelp);
        Assert.Contains("--granule", compareHelp);
        Assert.Contains("--find-min-size", compareHelp);
        Assert.Contains("up to 64× the larger of the peak live bytes", compareHelp);
    }

    [Fact]
    public void The_main_job_replays_the_bundled_device_workload_through_the_map()
    {
        (int code, string output, _) = Run();

        Assert.Equal(0, code);
        Assert.Contains("devices.trace replayed through the map", output);
        Assert.Contains("camera/capture", output);
        Assert.Contains("Regions", output);
    }

    [Fact]
    public void Replay_of_a_trace_without_devices_needs_device_or_region()
    {
        string trace = WriteTemp("t.trace", "a x 4K\n");

        (int code, _, string error) = Run("replay", trace);

        Assert.Equal(2, code);
        Assert.Contains("--device", error);
    }

    /// <summary>The broken test plugins' DLL, copied beside this assembly under test-plugins/.</summary>
    private static string BrokenPluginDll => Path.Combine(AppContext.BaseDirectory, "test-plugins", "Cma.TestPlugins.Broken", "Cma.TestPlugins.Broken.dll");

    /// <summary>Runs <c>cma</c> in-process, with the default configuration unless <paramref name="args"/> name one.</summary>
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string config = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        int code = CmaCli.Run(args.Contains("--config") ? args : [.. args, "--config", config], new CliConsole(output, error, interactive: false));
        return (code, output.ToString(), error.ToString());
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
            count++;
        return count;
    }
}
