namespace Cma.Host.Tests.Cli;

public class CliTests
{
    [Fact]
    public void Plugins_lists_the_three_first_party_allocators_with_their_hashes()
    {
        (int code, string output, string error) = CliRun.Run("plugins", "--config", CliRun.DefaultConfig);

        Assert.True(code == 0, error);
        foreach (string name in new[] { "best-fit", "bitmap", "buddy" })
            Assert.Contains(name, output);
        Assert.Matches("Cma.Plugins.BestFit.dll +[0-9a-f]{64}", output);
    }

    [Fact]
    public void Plugins_json_gives_name_file_and_full_sha256_of_each_provider()
    {
        (int code, string output, _) = CliRun.Run("plugins", "--json", "--config", CliRun.DefaultConfig);

        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var providers = doc.RootElement.GetProperty("providers").EnumerateArray().ToList();
        Assert.Contains(providers, p => p.GetProperty("name").GetString() == "best-fit"
            && p.GetProperty("sha256").GetString()!.Length == 64
            && File.Exists(p.GetProperty("file").GetString()));
    }

    [Fact]
    public void Info_on_the_default_configuration_shows_every_region_bound_to_its_allocator_and_the_map()
    {
        (int code, string output, string error) = CliRun.Run("info", "--config", CliRun.DefaultConfig);

        Assert.True(code == 0, error);
        Assert.Contains("fw", output);
        Assert.Contains("common", output);
        Assert.Contains("bitmap", output);
        Assert.Contains("buddy", output);
        Assert.Contains("active", output);
        Assert.Contains("*=common", output);
        Assert.DoesNotContain("fenced", output);
    }

    [Fact]
    public void Info_for_a_device_reports_the_bounds_of_the_regions_its_rule_names()
    {
        (int code, string output, _) = CliRun.Run("info", "--json", "--device", "video", "--type", "a", "--config", CliRun.DefaultConfig);

        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var device = doc.RootElement.GetProperty("device");
        Assert.True(device.GetProperty("matched").GetBoolean());
        var regions = device.GetProperty("info").GetProperty("regions").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["a", "common"], regions);
    }

    [Fact]
    public void Info_for_a_device_as_a_table_names_its_regions_and_their_bounds()
    {
        (int code, string output, string error) = CliRun.Run("info", "--device", "video", "--type", "a", "--config", CliRun.DefaultConfig);

        Assert.True(code == 0, error);
        Assert.Contains("video/a → a, common: [0x", output);
        Assert.Contains("2 region(s)", output);
    }

    [Fact]
    public void Info_for_a_device_no_rule_matches_says_so()
    {
        string config = CliRun.TempConfig("""{ "Cma": { "Regions": [ { "Name": "a", "Size": "1M" } ], "Map": [ "cam=a" ] } }""");

        (int code, string output, _) = CliRun.Run("info", "--device", "video", "--config", config);

        Assert.Equal(0, code);
        Assert.Contains("video/common: no map rule matches", output);
    }

    [Fact]
    public void A_config_naming_an_allocator_nobody_provides_exits_2_naming_the_region_the_allocator_and_the_loaded_ones()
    {
        string config = CliRun.TempConfig("""
            { "Cma": { "Regions": [ { "Name": "cam", "Size": "16M", "Allocator": "slab" } ] } }
            """);

        (int code, string output, string error) = CliRun.Run("info", "--config", config);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("Cma:Regions:0:Allocator", error);
        Assert.Contains("'cam'", error);
        Assert.Contains("slab", error);
        Assert.Contains("best-fit, bitmap, buddy, tlsf", error);
        Assert.DoesNotContain("   at ", error); // no stack trace
    }

    [Fact]
    public void A_config_with_three_mistakes_reports_all_three_at_once_with_exit_code_2()
    {
        string config = CliRun.TempConfig("""
            { "Cma": { "Regions": [ { "Name": "a", "Size": "5000", "Alignmnet": "64K" }, { "Name": "b", "Size": "1M", "Alignment": "3K" } ],
              "Map": [ "*=a,nowhere" ] } }
            """);

        (int code, _, string error) = CliRun.Run("info", "--config", config);

        Assert.Equal(2, code);
        Assert.Contains("Cma:Regions:0:Size", error);
        Assert.Contains("Did you mean 'Alignment'", error);
        Assert.Contains("Cma:Regions:1:Alignment", error);
        Assert.Contains("nowhere", error);
    }

    [Fact]
    public void A_missing_config_file_exits_2_naming_it()
    {
        (int code, _, string error) = CliRun.Run("info", "--config", "/nonexistent/cma.json");

        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/cma.json", error);
    }

    [Fact]
    public void A_config_file_of_megabytes_is_refused_before_it_is_read()
    {
        string config = CliRun.TempConfig("");
        using (var file = new FileStream(config, FileMode.Truncate))
            file.SetLength(17 << 20); // sparse: nothing is written

        (int code, string output, string error) = CliRun.Run("info", "--config", config);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"cma: --config {config} is 17 MiB; a configuration is a few kilobytes of JSON (at most 16 MiB is read). Check the path.", error.TrimEnd());
    }

    [Fact]
    public void An_unknown_option_is_bad_usage_with_exit_code_2()
    {
        (int code, _, string error) = CliRun.Run("info", "--no-such-option");

        Assert.Equal(2, code);
        Assert.Contains("--no-such-option", error);
    }

    [Fact]
    public void Type_without_device_is_bad_usage()
    {
        (int code, _, string error) = CliRun.Run("info", "--type", "a", "--config", CliRun.DefaultConfig);

        Assert.Equal(2, code);
        Assert.Contains("--device", error);
    }

    [Fact]
    public void Replay_loop_frees_what_a_pass_left_live_so_every_pass_sees_the_same_regions()
    {
        string trace = Path.Combine(AppContext.BaseDirectory, "workloads", "devices.trace");

        (int once, string one, _) = CliRun.Run("replay", trace, "--json", "--config", CliRun.DefaultConfig);
        (int thrice, string three, _) = CliRun.Run("replay", trace, "--json", "--loop", "3", "--config", CliRun.DefaultConfig);

        Assert.Equal(0, once);
        Assert.Equal(0, thrice);
        using var a = System.Text.Json.JsonDocument.Parse(one);
        using var b = System.Text.Json.JsonDocument.Parse(three);
        Assert.Equal(a.RootElement.GetProperty("regionsAfter").GetRawText(), b.RootElement.GetProperty("regionsAfter").GetRawText());
    }
}
