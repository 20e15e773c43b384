using Cma.Runtime.Persistence;

namespace Cma.Host.Tests.Persistence;

/// <summary>A temporary directory for journal files, deleted at dispose; and the identity the tests use.</summary>
internal sealed class JournalFiles : IDisposable
{
    /// <summary>A 1 MiB region, 64-byte granule, exact rounding, allocator "best-fit".</summary>
    public static readonly ChunkJournalIdentity Identity = new(1 << 20, 64, CmaRounding.Multiple, 64, "best-fit");

    /// <summary>Creates the directory.</summary>
    public JournalFiles() => Directory.CreateDirectory(Root);

    /// <summary>The directory.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "cma-journal-" + Guid.NewGuid().ToString("N"));

    /// <summary>A path in the directory.</summary>
    public string File(string name) => Path.Combine(Root, name);

    /// <summary>Opens (or creates) a journal at <paramref name="path"/> with <see cref="Identity"/>.</summary>
    public static ChunkJournal Open(string path, out ChunkJournalRecovery recovery, ChunkJournalFlush flush = ChunkJournalFlush.OsBuffered) =>
        ChunkJournal.Open(path, Identity, flush, out recovery);

    /// <summary>The chunks a reopen of <paramref name="path"/> recovers (the journal is closed again).</summary>
    public static IReadOnlyList<PersistedChunk> Recover(string path, out ChunkJournalRecovery recovery)
    {
        using ChunkJournal journal = Open(path, out recovery);
        return recovery.Chunks;
    }

    /// <summary>Deletes the directory.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
