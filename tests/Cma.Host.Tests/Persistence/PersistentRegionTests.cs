using Cma.Host.Tests.Api;
using Cma.Host.Tests.Configuration;
using Cma.Host.Tests.Memory;

namespace Cma.Host.Tests.Persistence;

/// <summary>A <c>File</c> region with <c>Persist: true</c> keeps its chunks across a restart of the host: the chunks come
/// back at their addresses (offsets in the file) with their owners and bytes, and their owners reopen them as handles.</summary>
public sealed class PersistentRegionTests
{
    [Theory]
    [InlineData("best-fit")]
    [InlineData("bitmap")]
    [InlineData("tlsf")]
    public void Chunks_survive_a_restart_with_their_owners_and_bytes(string allocator)
    {
        using var dir = new TempConfigFolder();
        string file = Path.Combine(dir.Path, "video.bin");
        string region = BackedRegions.Mapped("video", "File", file, "1M", $"\"Allocator\": \"{allocator}\", \"Persist\": true");
        string map = """[ "camera=video", "*=video" ]""";
        var kept = new Dictionary<ulong, (ulong Size, byte Fill)>();
        using (TestHost first = TestHost.Start("[ " + region + " ]", map))
        {
            var buffers = new List<CmaBuffer>();
            for (int i = 0; i < 12; i++)
            {
                CmaBuffer b = first.Service.AllocateBuffer(i % 2 == 0 ? "camera" : "gpu", "preview", 4096UL * (ulong)(i + 1));
                b.Span.Fill((byte)(i + 1));
                buffers.Add(b);
            }
            for (int i = 0; i < buffers.Count; i++)
            {
                if (i % 3 == 0)
                    buffers[i].Dispose();
                else
                    kept.Add(buffers[i].RegionOffset, (buffers[i].Size, (byte)(i + 1)));
            }
        }
        using TestHost second = TestHost.Start("[ " + region + " ]", map);
        CmaRegionSnapshot s = second.Service.GetRegion("video");
        Assert.Equal(kept.Count, s.Chunks);
        IReadOnlyList<CmaBuffer> camera = second.Service.ReopenBuffers("video", "camera/preview");
        IReadOnlyList<CmaBuffer> rest = second.Service.ReopenBuffers("video");
        Assert.Equal(kept.Count, camera.Count + rest.Count);
        Assert.All(camera, b => Assert.Equal("camera/preview", b.Owner));
        foreach (CmaBuffer b in camera.Concat(rest))
        {
            (ulong size, byte fill) = kept[b.RegionOffset];
            Assert.Equal(size, b.Size);
            Assert.All(b.Span.ToArray(), x => Assert.Equal(fill, x));
        }
        Assert.Empty(second.Service.ReopenBuffers("video"));   // a chunk with a live handle is not handed out twice
        // New chunks never overlap the restored ones.
        CmaBuffer fresh = second.Service.AllocateBuffer("gpu", null, 64 * 1024);
        Assert.DoesNotContain(camera.Concat(rest), b => b.Address < fresh.Address + fresh.Size && fresh.Address < b.Address + b.Size);
        fresh.Dispose();
        foreach (CmaBuffer b in camera.Concat(rest))
            b.Dispose();
        Assert.Equal(0, second.Service.GetRegion("video").Chunks);
    }

    [Fact]
    public void A_table_written_for_another_size_is_a_start_up_error_that_says_what_differs()
    {
        using var dir = new TempConfigFolder();
        string file = Path.Combine(dir.Path, "video.bin");
        using (TestHost first = TestHost.Start("[ " + BackedRegions.Mapped("video", "File", file, "1M", "\"Persist\": true") + " ]"))
            first.Service.AllocateBuffer("any", null, 4096);
        string config = dir.Write($$"""{ "Cma": { "Regions": [ {{BackedRegions.Mapped("video", "File", file, "2M", "\"Persist\": true")}} ] } }""");
        (int exitCode, string output) = ChildProcess.RunCma("info", "--config", config);
        Assert.Equal(2, exitCode);
        Assert.Contains("Cma:Regions:0:Persist", output, StringComparison.Ordinal);
        Assert.Contains("region size: persisted 1048576 bytes, configured 2097152 bytes", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_restore_whose_reserve_lies_is_caught_by_the_guard_and_the_host_does_not_start()
    {
        using var dir = new TempConfigFolder();
        string file = Path.Combine(dir.Path, "r.bin");
        string honest = BackedRegions.Mapped("r", "File", file, "1M", "\"Allocator\": \"hostile-reserve\", \"Persist\": true");
        using (TestHost first = TestHost.Start("[ " + honest + " ]", extraPlugins: [Plugins.TestAssemblies.HostilePluginPath]))
            first.Service.AllocateBuffer("any", null, 64 * 1024);
        // The same table, now restored into an instance whose reserve says yes and reserves nothing.
        string lying = BackedRegions.Mapped("r", "File", file, "1M", "\"Allocator\": \"hostile-reserve\", \"Persist\": true, \"Settings\": { \"ReserveNothing\": true }");
        string config = dir.Write($$"""{ "Cma": { "Regions": [ {{lying}} ] } }""");
        (int exitCode, string output) = ChildProcess.RunCma("info", "--config", config, "--plugin", Plugins.TestAssemblies.HostilePluginPath);
        Assert.Equal(2, exitCode);
        Assert.Contains("Cma:Regions:0:Persist", output, StringComparison.Ordinal);
        Assert.Contains("misreported its state after the persisted chunks were restored", output, StringComparison.Ordinal);
        Assert.Contains("region is fenced", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Persist_needs_a_file_backing()
    {
        using var dir = new TempConfigFolder();
        string config = dir.Write("""{ "Cma": { "Regions": [ { "Name": "n", "Size": "1M", "Backing": "Native", "Persist": true, "PersistFlush": "Sometimes" } ] } }""");
        (int exitCode, string output) = ChildProcess.RunCma("info", "--config", config);
        Assert.Equal(2, exitCode);
        Assert.Contains("Cma:Regions:0:Persist", output, StringComparison.Ordinal);
        Assert.Contains("Cma:Regions:0:PersistFlush", output, StringComparison.Ordinal);
    }
}
