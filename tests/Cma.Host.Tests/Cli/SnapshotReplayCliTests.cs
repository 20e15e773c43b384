using System.Text.Json;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Cli;

/// <summary><c>cma replay --save-snapshot FILE</c> and <c>--from-snapshot FILE</c>: the state one replay leaves is the
/// start of the next, whose trace never frees the restored chunks and never overlaps them.</summary>
public sealed class SnapshotReplayCliTests
{
    private const string TraceA = "a x 64K @video/a\na y 128K @video/a\na z 64K @video/a\nf y\na w 12K @camera/jpeg\na v 4K @video/b\n";

    private const string TraceB = "a p 256K @video/a\na q 8K @video/a\na r 100K @camera/jpeg\nf p\na s 64K @video/a\n";

    [Fact]
    public void A_replay_from_a_saved_state_keeps_the_restored_chunks_and_places_around_them()
    {
        string a = WriteTemp("a.trace", TraceA);
        string b = Path.Combine(Path.GetDirectoryName(a)!, "b.trace");
        File.WriteAllText(b, TraceB);
        string saved = Path.ChangeExtension(a, ".json"), after = Path.ChangeExtension(b, ".json");

        (int first, _, string error) = CliRun.Run("replay", a, "--save-snapshot", saved, "--config", CliRun.DefaultConfig);
        Assert.True(first == 0, error);
        (int second, string output, error) = CliRun.Run("replay", b, "--from-snapshot", saved, "--save-snapshot", after, "--config", CliRun.DefaultConfig);
        Assert.True(second == 0, error);

        CmaState before = Read(saved), end = Read(after);
        Assert.Contains("Restored 4 chunk(s) from " + saved + ": fw 0, a 2, b 1, common 1.", output, StringComparison.Ordinal);
        for (int i = 0; i < before.Regions.Count; i++)
        {
            Assert.True(end.Regions[i].Chunks.Count >= before.Regions[i].Chunks.Count);
            foreach (CmaChunkState chunk in before.Regions[i].Chunks)
                Assert.Contains(chunk, end.Regions[i].Chunks);   // same address, size, requested size and owner
            IReadOnlyList<CmaChunkState> all = end.Regions[i].Chunks;
            for (int j = 1; j < all.Count; j++)
                Assert.True(all[j - 1].Address + all[j - 1].Size <= all[j].Address, $"chunks overlap in region {end.Regions[i].Region.Name}");
        }
        Assert.Equal(2 + 2, end.Regions.Single(r => r.Region.Name == "a").Chunks.Count);   // 2 restored + q and s
    }

    [Fact]
    public void Info_chunks_json_writes_the_state_document_that_replay_from_snapshot_reads()
    {
        string saved = WriteTemp("info.json", "");
        (int code, string output, string error) = CliRun.Run("info", "--chunks", "--json", "--config", CliRun.DefaultConfig);
        Assert.True(code == 0, error);
        File.WriteAllText(saved, output);

        using (FileStream file = File.OpenRead(saved))
            Assert.NotEmpty(CmaState.ReadJson(file).Regions);
        string trace = Path.Combine(Path.GetDirectoryName(saved)!, "one.trace");
        File.WriteAllText(trace, "a e 4K @video/a\n");
        (code, _, error) = CliRun.Run("replay", trace, "--from-snapshot", saved, "--config", CliRun.DefaultConfig);
        Assert.True(code == 0, error);
    }

    [Fact]
    public void The_restored_chunks_count_in_peak_live_bytes_and_footprint()
    {
        string a = WriteTemp("a.trace", TraceA);
        string saved = Path.ChangeExtension(a, ".json");
        string empty = Path.Combine(Path.GetDirectoryName(a)!, "empty.trace");
        File.WriteAllText(empty, "a e 4K @video/f\n");
        Assert.Equal(0, CliRun.Run("replay", a, "--save-snapshot", saved, "--config", CliRun.DefaultConfig).ExitCode);

        (int code, string output, string error) = CliRun.Run("replay", empty, "--from-snapshot", saved, "--json", "--config", CliRun.DefaultConfig);

        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        JsonElement lane = doc.RootElement.GetProperty("regionsDuringReplay")[1];   // region a: x and z, 64K each, restored
        Assert.Equal(128 * 1024, lane.GetProperty("peakLiveBytes").GetInt64());
        Assert.True(lane.GetProperty("peakFootprint").GetInt64() >= 128 * 1024);
        Assert.Equal(0, lane.GetProperty("satisfied").GetInt64());
        Assert.StartsWith("Restored 4 chunk(s)", doc.RootElement.GetProperty("restored").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_that_does_not_match_the_configuration_exits_2_naming_each_region_and_field()
    {
        string a = WriteTemp("a.trace", TraceA);
        string saved = Path.ChangeExtension(a, ".json");
        Assert.Equal(0, CliRun.Run("replay", a, "--save-snapshot", saved, "--config", CliRun.DefaultConfig).ExitCode);
        string config = CliRun.TempConfig(File.ReadAllText(CliRun.DefaultConfig).Replace("\"Name\": \"a\", \"Size\": \"20M\"", "\"Name\": \"a\", \"Size\": \"16M\"", StringComparison.Ordinal)
            .Replace("\"Granule\": \"4K\"", "\"Granule\": \"8K\"", StringComparison.Ordinal));

        (int code, string output, string error) = CliRun.Run("replay", a, "--from-snapshot", saved, "--config", config);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("does not match the configuration", error, StringComparison.Ordinal);
        Assert.Contains("region 'a': Size is 20M in the state but 16M in the configuration", error, StringComparison.Ordinal);
        Assert.Contains("region 'common': Granule is 4K in the state but 8K in the configuration", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_file_that_is_not_json_exits_2_with_its_line_and_position()
    {
        string a = WriteTemp("a.trace", TraceA);
        string bad = Path.ChangeExtension(a, ".json");
        File.WriteAllText(bad, "{\n  \"takenAt\": \"2026-12-06T00:00:00Z\",\n  \"regions\": [ oops ]\n}\n");

        (int code, string output, string error) = CliRun.Run("replay", a, "--from-snapshot", bad, "--config", CliRun.DefaultConfig);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains($"--from-snapshot {bad} is not a Cma state: line 3, position 16:", error, StringComparison.Ordinal);
    }

    private static CmaState Read(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return CmaState.ReadJson(stream);
    }
}
