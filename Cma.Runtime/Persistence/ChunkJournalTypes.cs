namespace Cma.Runtime.Persistence;

/// <summary>When a journal record reaches stable storage.</summary>
internal enum ChunkJournalFlush
{
    /// <summary>Each record is written to the file (write(2), no user-space buffer) before the call returns: it
    /// survives a process crash or <c>kill -9</c>, but not a machine crash or power loss (the OS writes it back
    /// later, typically within seconds; a machine crash may lose the most recent records, and even leave a
    /// journal whose header is unreadable if the crash hit a compaction before the OS wrote it back).</summary>
    OsBuffered = 0,

    /// <summary>As <see cref="OsBuffered"/>, then fdatasync(2) before the call returns (and the directory is synced
    /// after each compaction's rename): each acknowledged change also survives a machine crash or power loss, at the
    /// cost of one device flush per allocate and per free (see docs/benchmarks.md).</summary>
    FlushEachChange = 1,
}

/// <summary>How a chunk is held, as persisted.</summary>
internal enum PersistedChunkKind : byte
{
    /// <summary>An ordinary contiguous chunk.</summary>
    Contiguous = 0,

    /// <summary>A movable chunk.</summary>
    Movable = 1,

    /// <summary>A discardable chunk.</summary>
    Discardable = 2,
}

/// <summary>A chunk that was live when the journal was last written.</summary>
/// <param name="Offset">Its offset from the region's start, in bytes.</param>
/// <param name="Size">The bytes it reserves (after the allocator's rounding).</param>
/// <param name="Requested">The bytes that were asked for.</param>
/// <param name="Owner">Its owner, "device/type".</param>
/// <param name="Kind">How it is held.</param>
internal readonly record struct PersistedChunk(ulong Offset, ulong Size, ulong Requested, string Owner, PersistedChunkKind Kind);

/// <summary>What a region's persisted table must match at open: a journal written under another identity is a
/// start-up error, never a silent reset.</summary>
/// <param name="RegionSize">The region's size in bytes.</param>
/// <param name="Granule">The region's granule in bytes.</param>
/// <param name="Rounding">How the allocator rounds a request.</param>
/// <param name="RoundingUnit">The allocator's rounding unit in bytes.</param>
/// <param name="AllocatorName">The allocator (plugin) name.</param>
internal readonly record struct ChunkJournalIdentity(ulong RegionSize, ulong Granule, CmaRounding Rounding, ulong RoundingUnit, string AllocatorName)
{
    /// <summary>The identity of a region of <paramref name="regionSize"/> bytes whose allocator has <paramref name="traits"/>.</summary>
    public static ChunkJournalIdentity For(ulong regionSize, ulong granule, CmaAllocatorTraits traits, string allocatorName) =>
        new(regionSize, granule, traits.Rounding, traits.Unit, allocatorName);

    /// <summary>Each field that differs from <paramref name="configured"/>, as "field: persisted X, configured Y".</summary>
    public List<string> Differences(ChunkJournalIdentity configured)
    {
        var differences = new List<string>();
        if (RegionSize != configured.RegionSize)
            differences.Add($"region size: persisted {RegionSize} bytes, configured {configured.RegionSize} bytes");
        if (Granule != configured.Granule)
            differences.Add($"granule: persisted {Granule} bytes, configured {configured.Granule} bytes");
        if (Rounding != configured.Rounding)
            differences.Add($"allocator rounding: persisted {Rounding}, configured {configured.Rounding}");
        if (RoundingUnit != configured.RoundingUnit)
            differences.Add($"allocator rounding unit: persisted {RoundingUnit} bytes, configured {configured.RoundingUnit} bytes");
        if (!string.Equals(AllocatorName, configured.AllocatorName, StringComparison.Ordinal))
            differences.Add($"allocator: persisted '{AllocatorName}', configured '{configured.AllocatorName}'");
        return differences;
    }
}

/// <summary>What <see cref="ChunkJournal.Open"/> found: the live chunks, and how much of the file it replayed.</summary>
/// <param name="Chunks">The chunks live when the journal was last written, by offset.</param>
/// <param name="RecordsReplayed">The records replayed (0 for a new journal).</param>
/// <param name="BytesDiscarded">Bytes after the last good record that were ignored: a torn tail (a record half
/// written when the process died), or everything after a corrupted record. 0 after a clean stop.</param>
/// <param name="Created">Whether the journal did not exist and was created empty.</param>
internal sealed record ChunkJournalRecovery(IReadOnlyList<PersistedChunk> Chunks, long RecordsReplayed, long BytesDiscarded, bool Created);
