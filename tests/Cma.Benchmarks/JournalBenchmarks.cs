using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Cma.Runtime.Persistence;

namespace Cma.Benchmarks;

/// <summary>
/// The <c>journal</c> mode: what <c>Persist: true</c> adds to an allocate or a free (one journal record each, both
/// flush policies, compactions amortised in), and the time to reopen a region's journal of 1M live chunks. The files
/// live in CMA_JOURNAL_BENCH_DIR (default: the temp folder; put it on the device whose flush cost you want).
/// </summary>
internal static class JournalMode
{
    public static int Run(string[] args)
    {
        _ = args;
        Console.WriteLine($"load average: {MemoryMode.LoadAverage()}; journal folder: {JournalBench.Folder}");
        BenchmarkRunner.Run<JournalAppendBenchmarks>();
        BenchmarkRunner.Run<JournalReopenBenchmarks>();
        Console.WriteLine($"load average: {MemoryMode.LoadAverage()}");
        return 0;
    }
}

/// <summary>Where the benchmarks keep their journals, and the identity they use.</summary>
internal static class JournalBench
{
    public static string Folder { get; } = Environment.GetEnvironmentVariable("CMA_JOURNAL_BENCH_DIR") is { Length: > 0 } folder
        ? folder : Path.Combine(Path.GetTempPath(), "cma-journal-bench");

    public static ChunkJournalIdentity Identity(ulong regionSize) => new(regionSize, 64, CmaRounding.Multiple, 64, "best-fit");

    public static string Fresh(string name)
    {
        Directory.CreateDirectory(Folder);
        string path = Path.Combine(Folder, name);
        File.Delete(path);
        return path;
    }
}

/// <summary>One allocate and one free record per invocation on a journal holding 1,000 live chunks; per record.</summary>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class JournalAppendBenchmarks
{
    private const int Live = 1000;
    private ChunkJournal _journal = null!;
    private ulong _next;

    /// <summary>Whether each record is followed by fdatasync (<c>FlushEachChange</c>) or left to the OS (<c>OsBuffered</c>).</summary>
    [Params(false, true)]
    public bool FlushEachChange { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var flush = FlushEachChange ? ChunkJournalFlush.FlushEachChange : ChunkJournalFlush.OsBuffered;
        _journal = ChunkJournal.Open(JournalBench.Fresh($"append-{flush}.chunks"), JournalBench.Identity(64 << 20), flush, out _);
        for (ulong i = 0; i < Live; i++)
            _journal.RecordAllocate(i * 64, 64, 64, "camera/frame", PersistedChunkKind.Contiguous);
    }

    [GlobalCleanup]
    public void Cleanup() => _journal.Dispose();

    /// <summary>An allocate record then a free record (a chunk that lives briefly), as a region journals them.</summary>
    [Benchmark(OperationsPerInvoke = 2)]
    public void AllocateAndFree()
    {
        ulong offset = (Live + _next++ % ((1 << 20) - Live)) * 64;   // never one of the live chunks
        _journal.RecordAllocate(offset, 64, 48, "camera/frame", PersistedChunkKind.Contiguous);
        _journal.RecordFree(offset);
    }
}

/// <summary>Reopening a journal of 1M live chunks: already compact (a clean close), and after changes since the last
/// compaction (a killed process: replay, then compaction rewrites the file). The file is in the page cache.</summary>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class JournalReopenBenchmarks
{
    private const int Chunks = 1_000_000;
    private const ulong RegionSize = (ulong)Chunks * 128;
    private string _clean = null!, _dirtyTemplate = null!, _dirty = null!;

    [GlobalSetup]
    public void Setup()
    {
        _clean = JournalBench.Fresh("reopen-clean.chunks");
        using (ChunkJournal journal = ChunkJournal.Open(_clean, JournalBench.Identity(RegionSize), ChunkJournalFlush.OsBuffered, out _))
        {
            for (ulong i = 0; i < Chunks; i++)
                journal.RecordAllocate(i * 128, 128, 100, i % 2 == 0 ? "camera/frame" : "gpu/texture", PersistedChunkKind.Contiguous);
            journal.Compact();
        }
        _dirtyTemplate = JournalBench.Fresh("reopen-dirty-template.chunks");
        File.Copy(_clean, _dirtyTemplate);
        using (ChunkJournal journal = ChunkJournal.Open(_dirtyTemplate, JournalBench.Identity(RegionSize), ChunkJournalFlush.OsBuffered, out _))
        {
            journal.RecordFree(0);   // one change since the compaction: the reopen must compact
            journal.RecordAllocate(0, 128, 100, "camera/frame", PersistedChunkKind.Contiguous);
        }
        _dirty = JournalBench.Fresh("reopen-dirty.chunks");
    }

    [IterationSetup(Target = nameof(ReplayAndCompact))]
    public void CopyDirty() => File.Copy(_dirtyTemplate, _dirty, overwrite: true);

    /// <summary>Open a compact journal of 1M chunks: replay only.</summary>
    [Benchmark]
    public int ReopenClean()
    {
        using ChunkJournal journal = ChunkJournal.Open(_clean, JournalBench.Identity(RegionSize), ChunkJournalFlush.OsBuffered, out ChunkJournalRecovery recovery);
        return Check(recovery);
    }

    /// <summary>Open a journal of 1M chunks with changes after its last compaction: replay, then compaction (fsync, rename).</summary>
    [Benchmark]
    public int ReplayAndCompact()
    {
        using ChunkJournal journal = ChunkJournal.Open(_dirty, JournalBench.Identity(RegionSize), ChunkJournalFlush.OsBuffered, out ChunkJournalRecovery recovery);
        return Check(recovery);
    }

    private static int Check(ChunkJournalRecovery recovery) =>
        recovery.Chunks.Count == Chunks ? recovery.Chunks.Count : throw new InvalidOperationException($"{recovery.Chunks.Count} chunks recovered");
}
