using System.Diagnostics;
using Cma.Host.Tests.Api;
using Cma.Host.Tests.Configuration;
using Cma.Host.Tests.Memory;
using Cma.JournalChild;
using Xunit.Abstractions;

namespace Cma.Host.Tests.Persistence;

/// <summary>Crash consistency through the whole host: a child process that embeds Cma (AddCma, one persisted File region)
/// allocates and frees in a loop and is killed with SIGKILL at random moments, 50 times; after each kill the region,
/// reopened, holds every allocation whose call had returned and no chunk whose free had returned (the one operation in
/// flight may land either way), and every acknowledged chunk holds the bytes written before its acknowledgement.</summary>
public sealed class HostKillTests(ITestOutputHelper output)
{
    private const int Kills = 50;

    [Fact]
    public void Every_restart_after_sigkill_restores_exactly_the_acknowledged_chunks_and_their_bytes()
    {
        using var dir = new TempConfigFolder();
        string file = Path.Combine(dir.Path, "r.bin");
        string region = BackedRegions.Mapped("r", "File", file, "1M", "\"Persist\": true");
        string config = dir.Write($$"""{ "Cma": { "Regions": [ {{region}} ] } }""");
        var expected = new Dictionary<ulong, (ulong Requested, ulong Tag)>();   // offset → what its owner was told
        var random = new Random(6122026);
        int acknowledged = 0, landed = 0;
        var clock = Stopwatch.StartNew();
        for (int kill = 0; kill < Kills; kill++)
        {
            List<string> lines = KilledChild.Run(["host", config, (kill + 1).ToString()], random.Next(5, 60));
            Assert.Equal($"R {expected.Count}", lines[0]);
            string? pendingFree = null;
            foreach (string line in lines.Skip(1))
            {
                string[] f = line.Split(' ');
                pendingFree = f[0] == "f" ? f[1] : null;
                if (f[0] == "A")
                    Assert.True(expected.TryAdd(ulong.Parse(f[1]), (ulong.Parse(f[2]), ulong.Parse(f[3]))), line);
                else if (f[0] == "F")
                    Assert.True(expected.Remove(ulong.Parse(f[1])), line);
                acknowledged += f[0] is "A" or "F" ? 1 : 0;
            }
            landed += Verify(region, expected, pendingFree);
        }
        output.WriteLine($"{Kills} kills in {clock.Elapsed.TotalSeconds:F1} s: {acknowledged} acknowledged changes, {landed} in-flight operations landed");
        Assert.True(acknowledged > Kills, $"only {acknowledged} acknowledgements in {Kills} runs");
    }

    /// <summary>Reopens the region in this process and checks it against the acknowledged set; returns 1 when the
    /// operation in flight landed (then adopts it into <paramref name="expected"/>), else 0.</summary>
    private static int Verify(string region, Dictionary<ulong, (ulong Requested, ulong Tag)> expected, string? pendingFree)
    {
        using TestHost host = TestHost.Start("[ " + region + " ]");
        IReadOnlyList<CmaBuffer> restored = host.Service.ReopenBuffers("r");
        var byOffset = restored.ToDictionary(b => b.RegionOffset);
        int landed = 0;
        foreach ((ulong offset, (ulong requested, ulong tag)) in expected.ToList())
        {
            if (!byOffset.Remove(offset, out CmaBuffer? b))
            {
                // Only a free in flight may have removed an acknowledged chunk.
                Assert.True(pendingFree == offset.ToString(), $"acknowledged chunk at offset {offset} was lost");
                expected.Remove(offset);
                landed++;
                continue;
            }
            Assert.Equal(requested, b.Size);
            Assert.Equal(tag, JournalPattern.Check(b.Span));
        }
        // At most one chunk nobody was told about: the allocation in flight (its call had not returned).
        Assert.True(byOffset.Count <= 1, $"{byOffset.Count} chunks were restored that no allocation acknowledged");
        foreach (CmaBuffer extra in byOffset.Values)
        {
            landed++;
            extra.Dispose();   // the child never knew it; free it so the next run starts from the acknowledged set
        }
        return landed;   // the host is disposed without freeing: the table keeps the rest for the next run
    }
}
