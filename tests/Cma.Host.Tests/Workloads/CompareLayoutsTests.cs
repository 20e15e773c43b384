using System.Text.Json;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

/// <summary><c>cma compare --layouts</c>: one trace with movable chunks replayed through the host in three layouts.</summary>
public class CompareLayoutsTests
{
    /// <summary>A generated <c>reusable</c> trace: its live bytes fit the 64M region by construction.</summary>
    private static readonly Lazy<string> s_trace = new(() => WriteTemp("reusable.trace", ReusableReplayTests.Generate(1, 10_000)));

    [Fact]
    public void The_table_has_one_row_per_layout()
    {
        (int code, string output, string error) = Cli.CliRun.Run("compare", "--layouts", s_trace.Value);

        Assert.True(code == 0, error);
        foreach (string row in new[] { "reusable", "carve-out", "shared without migration" })
            Assert.Matches(@"│\s*" + row + @"\s*│\s*\d", output);   // a row of its own (the notes and headers name the layouts too)
        foreach (string column in new[] { "Contiguous satisfied", "Memory needed", "Migrated", "Contiguous alloc p50 / p99", "Migrations per contiguous alloc" })
            Assert.Contains(column, output);
    }

    [Fact]
    public void Reusable_satisfies_every_contiguous_request_shared_fails_some_and_carve_out_needs_more_memory()
    {
        (int code, string output, string error) = Cli.CliRun.Run("compare", "--layouts", s_trace.Value, "--allocator", "best-fit", "--json");

        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(64L << 20, doc.RootElement.GetProperty("regionSize").GetInt64());
        JsonElement[] rows = [.. doc.RootElement.GetProperty("layouts").EnumerateArray()];
        Assert.Equal(["reusable", "carve-out", "shared without migration"], rows.Select(r => r.GetProperty("layout").GetString()));
        JsonElement reusable = rows[0], carveOut = rows[1], shared = rows[2];
        long requests = reusable.GetProperty("contiguousRequests").GetInt64();
        Assert.True(requests > 0);
        Assert.Equal(requests, reusable.GetProperty("contiguousSatisfied").GetInt64());
        Assert.True(reusable.GetProperty("migratedBytes").GetInt64() > 0);
        Assert.True(reusable.GetProperty("migrationsPerContiguous").GetDouble() > 0);
        Assert.True(shared.GetProperty("contiguousSatisfied").GetInt64() < requests, "shared without migration should fail some contiguous requests");
        Assert.Equal(0, shared.GetProperty("migrations").GetInt64());
        Assert.Equal(requests, carveOut.GetProperty("contiguousSatisfied").GetInt64());
        Assert.True(carveOut.GetProperty("memoryNeeded").GetInt64() > reusable.GetProperty("memoryNeeded").GetInt64());
        Assert.Equal(carveOut.GetProperty("regionSize").GetInt64() + carveOut.GetProperty("movableNeedPeakLiveBytes").GetInt64(),
            carveOut.GetProperty("memoryNeeded").GetInt64());
        Assert.Equal(requests, reusable.GetProperty("contiguousLatency").GetProperty("operations").GetInt64());
    }

    [Theory]
    [InlineData("--find-min-size", null, "--find-min-size")]
    [InlineData("--report", "x.html", "--report")]
    [InlineData("--allocator", "buddy", "one --allocator")]
    public void Options_that_do_not_fit_layouts_exit_2_saying_so(string option, string? value, string expected)
    {
        string[] args = ["compare", "--layouts", s_trace.Value, "--allocator", "best-fit", option, .. value is null ? Array.Empty<string>() : [value]];

        (int code, _, string error) = Cli.CliRun.Run(args);

        Assert.Equal(2, code);
        Assert.Contains(expected, error);
    }
}
