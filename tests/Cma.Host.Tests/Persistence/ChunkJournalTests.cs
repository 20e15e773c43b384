using System.Text;
using Cma.Runtime.Persistence;

namespace Cma.Host.Tests.Persistence;

/// <summary>The chunk journal's format and recovery rule: round trip, torn tails, corruption, identity, compaction.</summary>
public sealed class ChunkJournalTests : IDisposable
{
    private readonly JournalFiles _files = new();

    /// <summary>Deletes the test's files.</summary>
    public void Dispose() => _files.Dispose();

    [Fact]
    public void Reopen_restores_live_chunks_with_size_requested_owner_and_kind()
    {
        string path = _files.File("r.chunks");
        using (ChunkJournal journal = JournalFiles.Open(path, out ChunkJournalRecovery created))
        {
            Assert.True(created.Created);
            Assert.Empty(created.Chunks);
            journal.RecordAllocate(0, 4096, 4000, "camera/frame", PersistedChunkKind.Contiguous);
            journal.RecordAllocate(8192, 128, 100, "gpu/texture", PersistedChunkKind.Movable);
            journal.RecordAllocate(65536, 64, 1, "camera/frame", PersistedChunkKind.Discardable);
            journal.RecordFree(0);
        }
        IReadOnlyList<PersistedChunk> chunks = JournalFiles.Recover(path, out ChunkJournalRecovery recovery);
        Assert.Equal(
            [new PersistedChunk(8192, 128, 100, "gpu/texture", PersistedChunkKind.Movable), new PersistedChunk(65536, 64, 1, "camera/frame", PersistedChunkKind.Discardable)],
            chunks);
        Assert.False(recovery.Created);
        Assert.Equal(6, recovery.RecordsReplayed);   // 2 owners, 3 allocations, 1 free
        Assert.Equal(0, recovery.BytesDiscarded);
        Assert.Equal(chunks, JournalFiles.Recover(path, out ChunkJournalRecovery again));
        Assert.Equal(4, again.RecordsReplayed);   // compacted at the first reopen: 2 owners, 2 chunks
    }

    [Fact]
    public void A_torn_last_record_is_ignored_at_every_cut()
    {
        string path = _files.File("t.chunks");
        using (ChunkJournal journal = JournalFiles.Open(path, out _))
        {
            journal.RecordAllocate(0, 64, 64, "a/b", PersistedChunkKind.Contiguous);
            journal.RecordFree(0);
            journal.RecordAllocate(128, 192, 150, "a/b", PersistedChunkKind.Contiguous);
        }
        long beforeLast = new FileInfo(path).Length;
        using (ChunkJournal journal = JournalFiles.Open(path, out _))
            journal.RecordAllocate(4096, 64, 10, "owner/" + new string('x', 70), PersistedChunkKind.Movable);   // owner record (2 payload blocks) + allocation
        byte[] whole = File.ReadAllBytes(path);
        long compacted = beforeLast - 2 * 64;   // the reopen compacted away the allocation at 0 and its free
        PersistedChunk kept = new(128, 192, 150, "a/b", PersistedChunkKind.Contiguous);
        for (long cut = compacted; cut < whole.Length; cut++)
        {
            string torn = _files.File($"cut{cut}.chunks");
            File.WriteAllBytes(torn, whole[..(int)cut]);
            IReadOnlyList<PersistedChunk> chunks = JournalFiles.Recover(torn, out ChunkJournalRecovery recovery);
            Assert.Equal([kept], chunks);
            long ownerEnd = compacted + 3 * 64;   // a complete owner record replays (an owner without chunks)
            Assert.Equal(cut - (cut < ownerEnd ? compacted : ownerEnd), recovery.BytesDiscarded);
        }
        Assert.Equal(2, JournalFiles.Recover(path, out _).Count);
    }

    [Fact]
    public void Records_after_a_torn_tail_are_kept_once_the_journal_is_reopened()
    {
        string path = _files.File("g.chunks");
        using (ChunkJournal journal = JournalFiles.Open(path, out _))
            journal.RecordAllocate(0, 64, 64, "a/b", PersistedChunkKind.Contiguous);
        using (FileStream stream = File.Open(path, FileMode.Append))
            stream.Write(new byte[100]);   // zeros, as a crash after the file grew but before the data landed leaves
        using (ChunkJournal journal = JournalFiles.Open(path, out ChunkJournalRecovery recovery))
        {
            Assert.Equal(100, recovery.BytesDiscarded);
            journal.RecordAllocate(64, 64, 64, "a/b", PersistedChunkKind.Contiguous);
        }
        Assert.Equal([0UL, 64UL], JournalFiles.Recover(path, out _).Select(chunk => chunk.Offset));
    }

    [Fact]
    public void A_corrupted_record_mid_file_stops_the_replay_there()
    {
        string path = _files.File("c.chunks");
        using (ChunkJournal journal = JournalFiles.Open(path, out _))
        {
            for (ulong i = 0; i < 10; i++)
                journal.RecordAllocate(i * 64, 64, 64, "a/b", PersistedChunkKind.Contiguous);
        }
        // Records: owner (seq 1, +1 payload block) at 256, allocations from 384; flip a byte of the 5th allocation's size.
        byte[] bytes = File.ReadAllBytes(path);
        bytes[384 + 4 * 64 + 24] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        IReadOnlyList<PersistedChunk> chunks = JournalFiles.Recover(path, out ChunkJournalRecovery recovery);
        Assert.Equal([0UL, 64, 128, 192], chunks.Select(chunk => chunk.Offset));
        Assert.Equal(6 * 64, recovery.BytesDiscarded);
    }

    [Fact]
    public void A_journal_of_another_configuration_is_a_start_up_error_naming_each_difference()
    {
        string path = _files.File("m.chunks");
        using (ChunkJournal journal = JournalFiles.Open(path, out _))
            journal.RecordAllocate(0, 64, 64, "a/b", PersistedChunkKind.Contiguous);
        var changed = JournalFiles.Identity with { RegionSize = 2 << 20, Rounding = CmaRounding.PowerOfTwo, AllocatorName = "buddy" };
        var error = Assert.Throws<CmaConfigurationException>(() => ChunkJournal.Open(path, changed, ChunkJournalFlush.OsBuffered, out _));
        Assert.Equal(3, error.Problems.Count);
        Assert.Contains("region size: persisted 1048576 bytes, configured 2097152 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("allocator rounding: persisted Multiple, configured PowerOfTwo", error.Message, StringComparison.Ordinal);
        Assert.Contains("allocator: persisted 'best-fit', configured 'buddy'", error.Message, StringComparison.Ordinal);
        Assert.Contains("delete that file", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("granule", error.Message, StringComparison.Ordinal);
        Assert.Single(JournalFiles.Recover(path, out _));   // untouched: no silent reset
    }

    [Fact]
    public void A_file_that_is_not_a_journal_is_an_error_not_a_reset()
    {
        string path = _files.File("x.chunks");
        File.WriteAllText(path, "not a journal");
        var error = Assert.Throws<InvalidDataException>(() => JournalFiles.Recover(path, out _));
        Assert.Contains("delete it to start the region empty", error.Message, StringComparison.Ordinal);
        Assert.Equal("not a journal", File.ReadAllText(path));
    }

    [Fact]
    public void Compaction_keeps_exactly_the_live_set_and_bounds_the_file()
    {
        string path = _files.File("k.chunks");
        var model = new SortedDictionary<ulong, ulong>();
        var random = new Random(7);
        using (ChunkJournal journal = JournalFiles.Open(path, out _))
        {
            for (int step = 0; step < 30_000; step++)
            {
                ulong offset = (ulong)random.Next(1 << 14) * 64;
                if (model.Remove(offset))
                {
                    journal.RecordFree(offset);
                    continue;
                }
                ulong requested = 1 + (ulong)random.Next(64);
                journal.RecordAllocate(offset, 64, requested, "owner/" + (step % 5), PersistedChunkKind.Contiguous);
                model.Add(offset, requested);
            }
            Assert.True(journal.Compactions > 1, $"{journal.Compactions} compactions");
            Assert.True(journal.RecordsInFile <= ChunkJournal.CompactFactor * (Math.Max(model.Count, ChunkJournal.MinCompactLive) + 5));
            Assert.Null(journal.CompactionFailure);
            journal.Compact();
            Assert.Equal(model.Count + 5, journal.RecordsInFile);
        }
        IReadOnlyList<PersistedChunk> chunks = JournalFiles.Recover(path, out _);
        Assert.Equal(model.Select(pair => (pair.Key, pair.Value)), chunks.Select(chunk => (chunk.Offset, chunk.Requested)));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Owner_strings_survive_including_long_and_non_ascii_ones()
    {
        string path = _files.File("o.chunks");
        string[] owners = ["kamera/bild-ü", "d/" + new string('n', 300), "gpu/τ"];
        using (ChunkJournal journal = JournalFiles.Open(path, out _, ChunkJournalFlush.FlushEachChange))
        {
            for (int i = 0; i < owners.Length; i++)
                journal.RecordAllocate((ulong)i * 64, 64, 64, owners[i], PersistedChunkKind.Contiguous);
        }
        Assert.Equal(owners, JournalFiles.Recover(path, out _).Select(chunk => chunk.Owner));
        Assert.Equal(owners, JournalFiles.Recover(path, out _).Select(chunk => chunk.Owner));   // after compaction too
        Assert.True(Encoding.UTF8.GetByteCount(owners[1]) > 4 * 64);
    }

    [Fact]
    public void Changes_that_contradict_the_table_are_refused_before_anything_is_written()
    {
        string path = _files.File("e.chunks");
        using ChunkJournal journal = JournalFiles.Open(path, out _);
        journal.RecordAllocate(0, 64, 64, "a/b", PersistedChunkKind.Contiguous);
        long length = new FileInfo(path).Length;
        Assert.Throws<InvalidOperationException>(() => journal.RecordAllocate(0, 64, 64, "a/b", PersistedChunkKind.Contiguous));
        Assert.Throws<InvalidOperationException>(() => journal.RecordFree(64));
        Assert.Throws<ArgumentOutOfRangeException>(() => journal.RecordAllocate((1 << 20) - 64, 128, 64, "a/b", PersistedChunkKind.Contiguous));
        Assert.Equal(length, new FileInfo(path).Length);
        journal.RecordFree(0);
        Assert.Equal(0, journal.LiveCount);
    }
}
