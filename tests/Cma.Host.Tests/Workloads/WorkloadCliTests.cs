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

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string config = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        int code = CmaCli.Run([.. args, "--config", config], new CliConsole(output, error, interactive: false));
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
