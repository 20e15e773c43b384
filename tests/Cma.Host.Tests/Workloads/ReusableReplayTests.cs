using System.Text.Json;
using Cma.Host.Cli;
using Cma.Host.Workloads;
using Cma.Host.Workloads.Generation;
using Cma.Runtime.Configuration;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Logging.Abstractions;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

/// <summary><c>cma replay</c> through a reusable region: movable chunks, pins and unpins go through the host's API, and the
/// migration counters (from the regions' snapshots) are consistent with what the replay's mover saw.</summary>
public class ReusableReplayTests
{
    [Fact]
    public void A_generated_reusable_trace_migrates_and_every_contiguous_request_is_satisfied()
    {
        using CmaService service = ReusableService(64UL << 20);
        using var reader = new CmaTraceReader(Lines(Generate(1, 10_000)), "reusable.trace", false);

        MapReplayResult r = MapReplay.Run(reader, service, "reusable.trace", null, null, null, timeContiguous: true);

        RegionMigrationRow m = r.Migration.Single();
        Assert.True(m.Reusable);
        Assert.True(m.Migrations > 0 && m.MigratedBytes > 0, $"{m.Migrations} migrations, {m.MigratedBytes} bytes");
        Assert.True(r.ContiguousRequests > 0);
        Assert.Equal(r.ContiguousRequests, r.ContiguousSatisfied);
        Assert.Equal((0L, 0L, 0L), (m.BlockedByPins, m.BlockedNoRoom, m.MoverFailures));
        // An address-space-only region reports every move to the replay's mover.
        Assert.Equal((m.Migrations, m.MigratedBytes), (r.Movable.MoverMoves, r.Movable.MoverBytes));
        Assert.Equal(m.Migrations, m.MoverMoves);
        DeviceReplayRow cache = r.Devices.Single(d => d.Device == "pagecache");
        Assert.Equal((cache.Requests, r.Movable.Requests), (cache.Movable, cache.Requests));
        Assert.Equal(r.Movable.Satisfied, cache.Satisfied);
        Assert.True(r.Movable.Pins > 0 && r.Movable.Unpins > 0 && r.Movable.LongTermPins > 0);
        Assert.Equal(r.ContiguousRequests, r.ContiguousLatency!.Operations);
        Assert.Equal(m.MovableChunksAtEnd, service.GetRegion("cma").MovableChunks);
    }

    [Fact]
    public void Discarded_chunks_are_counted_when_pinned_or_freed_and_pins_go_with_the_free()
    {
        // 64K: a discardable 48K chunk, then a 48K contiguous request that needs its room (no room to move it: dropped);
        // then a pin of the dropped chunk, and a chunk freed with two pins outstanding.
        using CmaService service = ReusableService(64UL << 10);
        const string Trace = "d x 48K @pagecache\na c 48K @camera\np x\nu x\nm y 8K @pagecache\np y\np y long\nf x\nf y\nf c\n";
        using var reader = new CmaTraceReader(Lines(Trace), "t.trace", false);

        MapReplayResult r = MapReplay.Run(reader, service, "t.trace", null, null, null);

        Assert.Equal((1L, 1L), (r.ContiguousRequests, r.ContiguousSatisfied));
        Assert.Equal(1L, r.Migration.Single().DiscardedChunks);
        Assert.Equal((1L, 1L), (r.Movable.PinsOfDiscarded, r.Movable.FreesOfDiscarded));
        Assert.Equal((2L, 1L, 0L), (r.Movable.Pins, r.Movable.LongTermPins, r.Movable.Unpins));
        CmaRegionSnapshot end = service.GetRegion("cma");
        Assert.Equal((0L, 0L, 0L), (end.Chunks, end.MovableChunks, end.PinnedChunks));
    }

    [Fact]
    public void The_replay_json_and_table_show_the_migration_counters_for_a_reusable_region()
    {
        string trace = WriteTemp("reusable.trace", Generate(1, 6_000));
        string config = CliTestConfig("""{ "Name": "cma", "Size": "64M", "Reusable": true }""");

        (int code, string output, string error) = Run("replay", trace, "--config", config, "--json");

        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        JsonElement migration = doc.RootElement.GetProperty("migration")[0];
        Assert.True(migration.GetProperty("reusable").GetBoolean());
        Assert.True(migration.GetProperty("migrations").GetInt64() > 0);
        Assert.True(migration.GetProperty("migratedBytes").GetUInt64() > 0);
        foreach (string field in new[] { "discardedChunks", "blockedByPins", "blockedNoRoom", "moverFailures" })
            Assert.True(migration.TryGetProperty(field, out _), field);
        JsonElement movable = doc.RootElement.GetProperty("movable");
        Assert.True(movable.GetProperty("requests").GetInt64() > 0);
        Assert.Equal(migration.GetProperty("migrations").GetInt64(), movable.GetProperty("moverMoves").GetInt64());

        (code, output, error) = Run("replay", trace, "--config", config);
        Assert.True(code == 0, error);
        Assert.Contains("Migrations", output);
        Assert.Contains("Movable:", output);
    }

    [Fact]
    public void Without_a_reusable_region_the_replay_tables_keep_their_columns()
    {
        string trace = WriteTemp("t.trace", "a x 4K @cam\nf x\n");
        string config = CliTestConfig("""{ "Name": "cma", "Size": "1M" }""");

        (int code, string output, string error) = Run("replay", trace, "--config", config);

        Assert.True(code == 0, error);
        Assert.DoesNotContain("Migrations", output);
        Assert.DoesNotContain("Movable", output);
    }

    internal static string Generate(int seed, long operations, ulong? region = null)
    {
        var output = new StringWriter { NewLine = "\n" };
        TraceGenerator.Write(new GeneratorSettings { Profile = "reusable", Seed = seed, Operations = operations, RegionSize = region }, output);
        return output.ToString();
    }

    private static string CliTestConfig(string region) =>
        Cli.CliRun.TempConfig($$"""{ "Cma": { "Granule": "4K", "DefaultAllocator": "best-fit", "Regions": [ {{region}} ], "Map": [ "*=cma" ] } }""");

    private static (int, string, string) Run(params string[] args) => Cli.CliRun.Run(args);

    private static CmaService ReusableService(ulong size)
    {
        var provider = new FirstFitProvider();
        var region = new Region(new CmaRegion("cma", 1UL << 30, size, 4096), 4096, provider.Name, provider,
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), NullLogger.Instance)
        {
            MovableOptions = new RegionMovableOptions(true, true, RegionMovableOptions.DefaultRetries),
        };
        Assert.Null(region.Open());
        return new CmaService([region], Mapping.MapText.Parse(["*=cma"]), NullLogger.Instance);
    }
}
