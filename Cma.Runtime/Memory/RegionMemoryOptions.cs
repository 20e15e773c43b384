namespace Cma.Runtime.Memory;

/// <summary>
/// A region's real-memory settings, validated: <see cref="Backing"/>; <see cref="BackingPath"/> (an absolute file
/// path for <see cref="CmaBacking.File"/> and <see cref="CmaBacking.Shared"/>, null otherwise); and the debug
/// options, which need bytes and so are set only for backed regions: zero on allocate, a poison byte written over a
/// chunk when it is freed, and guard bytes after each chunk.
/// </summary>
/// <param name="Backing">What stands behind the region's addresses.</param>
/// <param name="BackingPath">The file (absolute) for File and Shared; null for None and Native.</param>
/// <param name="ZeroOnAllocate">Whether a chunk's bytes are zeroed before it is handed out. Off by default, which is safe
/// to reason about for File and Shared regions: they start all zero (the owner empties the file when it takes it, so a
/// restarted region never hands out the previous run's bytes), and without it a chunk holds only what an earlier chunk
/// of the same run left there. A Native region starts with whatever the process's allocator hands back.</param>
/// <param name="PoisonByte">The byte written over a chunk when it is freed, or null for no poisoning.</param>
/// <param name="GuardBytes">The least number of guard bytes after each chunk (0: none).</param>
internal sealed record RegionMemoryOptions(CmaBacking Backing, string? BackingPath, bool ZeroOnAllocate, byte? PoisonByte, ulong GuardBytes)
{
    /// <summary>Whether the region keeps its chunk table across restarts (<c>Persist: true</c>; File and Shared only):
    /// the backing file is not emptied when a journal of its chunks exists, nor unlinked when the host stops.</summary>
    public bool Persist { get; init; }

    /// <summary>Whether each change of the persisted table is flushed to the disk before the call returns
    /// (<c>PersistFlush: "EachChange"</c>; survives a machine crash, at the cost of an fdatasync) rather than left to
    /// the OS (<c>"Os"</c>, the default; survives a process crash).</summary>
    public bool FlushEachChange { get; init; }

    /// <summary>The kernel's POISON_FREE byte (include/linux/poison.h), written when <c>PoisonOnFree</c> is <c>true</c>.</summary>
    public const byte DefaultPoisonByte = 0x6B;

    /// <summary>The byte guard zones are filled with; any other byte found there on free is an overrun.</summary>
    public const byte GuardByte = 0xFD;

    /// <summary>The folder <see cref="CmaBacking.Shared"/> files live in.</summary>
    public const string SharedMemoryFolder = "/dev/shm";

    /// <summary>Address space only, no debug options: the default.</summary>
    public static RegionMemoryOptions AddressOnly { get; } = new(CmaBacking.None, null, false, null, 0);

    /// <summary>Whether the region has bytes.</summary>
    public bool IsBacked => Backing != CmaBacking.None;
}
