using System.Diagnostics;
using Cma.Host.Tests.Memory;
using Cma.JournalChild;
using Cma.Runtime.Persistence;
using Xunit.Abstractions;

namespace Cma.Host.Tests.Persistence;

/// <summary>Crash consistency: a child allocating and freeing in a loop is killed with SIGKILL at random moments;
/// each reopen restores exactly the acknowledged set (give or take the one operation in flight), and each restored
/// chunk holds the bytes written before its acknowledgement.</summary>
public sealed class JournalKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 60;
    private const ulong RegionSize = 256 << 10;
    private static readonly ChunkJournalIdentity Identity =
        new(RegionSize, JournalPattern.Granule, CmaRounding.Multiple, JournalPattern.Granule, JournalPattern.AllocatorName);   // the child's
    private readonly JournalFiles _files = new();

    /// <summary>An acknowledged chunk: its reserved and requested sizes, the tag its bytes carry, its owner.</summary>
    private readonly record struct Acked(ulong Size, ulong Requested, ulong Tag, string Owner);

    /// <summary>Deletes the test's files.</summary>
    public void Dispose() => _files.Dispose();

    [Fact]
    public void Every_reopen_after_sigkill_restores_exactly_the_acknowledged_chunks_and_their_bytes()
    {
        string journal = _files.File("region.chunks"), data = _files.File("region.data");
        using (FileStream file = File.Create(data))
            file.SetLength((long)RegionSize);
        var random = new Random(20261206);
        var expected = new Dictionary<ulong, Acked>();
        int acknowledged = 0, inFlight = 0, beforeReady = 0;
        var clock = Stopwatch.StartNew();
        for (int kill = 0; kill < Kills; kill++)
        {
            bool early = kill % 6 == 5;   // kill during start-up: recovery and its compaction
            var flush = kill % 5 == 4 ? ChunkJournalFlush.FlushEachChange : ChunkJournalFlush.OsBuffered;
            List<string> lines = KilledChild.Run([journal, data, RegionSize.ToString(), (kill + 1).ToString(),
                flush == ChunkJournalFlush.FlushEachChange ? "1" : "0"], early ? random.Next(0, 150) : random.Next(5, 50), early);
            acknowledged += lines.Count(line => line[0] is 'A' or 'F');
            if (lines.Count == 0)
                beforeReady++;
            else
                Assert.Equal($"R {expected.Count}", lines[0]);
            foreach (string line in lines.Skip(1))
                Apply(expected, line);
            string pending = lines.Count > 1 && char.IsLower(lines[^1][0]) ? lines[^1] : "";   // an intent not acknowledged
            inFlight += Verify(journal, data, expected, pending);
        }
        output.WriteLine($"{Kills} kills in {clock.Elapsed.TotalSeconds:F1} s: {acknowledged} acknowledged changes, {inFlight} in-flight operations landed, "
            + $"{beforeReady} kills before the child was ready; {expected.Count} chunks live at the end");
        Assert.True(acknowledged > Kills * 5, $"only {acknowledged} acknowledgements in {Kills} runs");
    }

    private static void Apply(Dictionary<ulong, Acked> expected, string line)
    {
        string[] fields = line.Split(' ');
        if (fields[0] is "a" or "f")
            return;   // intent
        if (fields[0] == "F")
        {
            Assert.True(expected.Remove(ulong.Parse(fields[1])), $"'{line}' frees a chunk that is not live");
            return;
        }
        Assert.Equal("A", fields[0]);
        var chunk = new Acked(ulong.Parse(fields[2]), ulong.Parse(fields[3]), ulong.Parse(fields[4]), JournalPattern.Owners[int.Parse(fields[5])]);
        Assert.True(expected.TryAdd(ulong.Parse(fields[1]), chunk), $"'{line}' allocates over a live chunk");
    }

    /// <summary>Reopens the journal and checks it against the acknowledged set: equal, or the one operation in flight
    /// (<paramref name="pending"/>, the child's last intent "a OFFSET" / "f OFFSET" if unacknowledged) landed. Every
    /// restored chunk's bytes carry their pattern. Leaves <paramref name="expected"/> equal to the restored set;
    /// returns 1 if the in-flight operation landed.</summary>
    private static int Verify(string journal, string data, Dictionary<ulong, Acked> expected, string pending)
    {
        IReadOnlyList<PersistedChunk> restored;
        using (ChunkJournal reopened = ChunkJournal.Open(journal, Identity, ChunkJournalFlush.OsBuffered, out ChunkJournalRecovery recovery))
            restored = recovery.Chunks;
        byte[] memory = File.ReadAllBytes(data);
        var extra = new List<PersistedChunk>();
        foreach (PersistedChunk chunk in restored)
        {
            ulong? tag = JournalPattern.Check(memory.AsSpan((int)chunk.Offset, (int)chunk.Requested));
            Assert.True(tag is not null, $"the bytes of the restored chunk at {chunk.Offset} are not the pattern written before its record");
            if (!expected.TryGetValue(chunk.Offset, out Acked acked))
            {
                extra.Add(chunk);
                continue;
            }
            Assert.Equal((acked.Size, acked.Requested, acked.Tag, acked.Owner), (chunk.Size, chunk.Requested, tag!.Value, chunk.Owner));
        }
        var restoredOffsets = restored.Select(chunk => chunk.Offset).ToHashSet();
        List<ulong> missing = expected.Keys.Where(offset => !restoredOffsets.Contains(offset)).ToList();
        Assert.True(missing.Count == 0 || (missing.Count == 1 && pending == $"f {missing[0]}"),
            $"acknowledged chunks lost: {string.Join(", ", missing)} (in flight: '{pending}')");
        Assert.True(extra.Count == 0 || (extra.Count == 1 && pending == $"a {extra[0].Offset}"),
            $"unacknowledged chunks restored: {string.Join(", ", extra.Select(chunk => chunk.Offset))} (in flight: '{pending}')");
        foreach (ulong gone in missing)
            expected.Remove(gone);   // its free was in flight and landed
        foreach (PersistedChunk chunk in extra)   // its allocation was in flight and landed
            expected.Add(chunk.Offset, new Acked(chunk.Size, chunk.Requested, JournalPattern.Check(memory.AsSpan((int)chunk.Offset, (int)chunk.Requested))!.Value, chunk.Owner));
        return extra.Count + missing.Count;
    }
}
