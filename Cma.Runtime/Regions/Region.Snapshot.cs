using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Cma.Runtime.Regions;

/// <summary>
/// What monitoring reads: the region's state, fence reason, counters and last verified stats, published by the lock
/// holder and read without the lock (a sequence lock), so that info, snapshots and metrics never wait for a plugin call
/// in progress — a slow or stuck plugin holds its region's lock, never these fields.
/// Writers hold <see cref="Sync"/> (so there is one at a time) and never call a plugin inside a change; a reader retries
/// when a change overlapped its read, and so always sees the fields of one moment.
/// </summary>
internal sealed partial class Region
{
    /// <summary>Even while the published fields are stable; odd while the lock holder changes them. A reader that sees
    /// the same even value before and after reading the fields has read one consistent moment.</summary>
    private int _version;

    /// <summary><see cref="State"/> (published).</summary>
    private RegionState _state = RegionState.Fenced;

    /// <summary><see cref="FenceReason"/> (published).</summary>
    private string? _fenceReason = "not created yet";

    /// <summary><see cref="FaultCount"/> (published).</summary>
    private long _faultCount;

    /// <summary><see cref="FreesWhileFenced"/> (published).</summary>
    private long _freesWhileFenced;

    /// <summary>Free bytes of the last stats that passed the guard (published).</summary>
    private ulong _freeBytes;

    /// <summary>Largest free block of the last stats that passed the guard (published); the next successful
    /// allocation cannot be larger.</summary>
    private ulong _largestFreeBlock;

    /// <summary>Free block count of the last stats that passed the guard (published).</summary>
    private ulong _freeBlocks;

    /// <summary>Live chunks when the stats were last published, or when a free while fenced was (published).</summary>
    private long _publishedChunks;

    /// <summary>Active or fenced.</summary>
    public RegionState State => _state;

    /// <summary>Why the region is fenced, or null.</summary>
    public string? FenceReason => _fenceReason;

    /// <summary>Plugin faults seen (each fences the region).</summary>
    public long FaultCount => _faultCount;

    /// <summary>Frees of chunks that arrived while the region was fenced (removed from the registry only).</summary>
    public long FreesWhileFenced => _freesWhileFenced;

    /// <summary>Stats as of the last operation that passed the guard. For the lock holder (the host's replay tools);
    /// monitoring reads <see cref="Snapshot"/>.</summary>
    public CmaAllocatorStats LastStats => new(_freeBytes, _largestFreeBlock, _freeBlocks);

    /// <summary>The region as of its last operation, without taking its lock: never waits for a plugin call. A fenced
    /// region shows no free space (it takes no allocations).</summary>
    public CmaRegionSnapshot Snapshot()
    {
        var spinner = new SpinWait();
        while (true)
        {
            int version = Volatile.Read(ref _version);
            if ((version & 1) == 0)
            {
                // The version read is an acquire (no field read moves before it) and the barrier keeps every field read
                // before the second version read; the fields themselves are plain reads (the hot path never pays for them).
                RegionState state = _state;
                string? reason = _fenceReason;
                long faults = _faultCount, fencedFrees = _freesWhileFenced, chunks = _publishedChunks;
                ulong free = _freeBytes, largest = _largestFreeBlock, blocks = _freeBlocks;
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _version) == version)
                {
                    bool active = state == RegionState.Active;
                    MovableCounters? movables = PublishedMovables;
                    var snapshot = new CmaRegionSnapshot
                    {
                        Name = Info.Name, Start = Info.Start, Size = Info.Size, Granule = Info.Granule, Allocator = AllocatorName,
                        State = state, FenceReason = reason, Chunks = chunks, FreeBytes = active ? free : 0,
                        LargestFreeBlock = active ? largest : 0, FreeBlocks = active ? blocks : 0, Faults = faults,
                        FreesWhileFenced = fencedFrees, Backing = Memory?.Backing ?? CmaBacking.None, Reusable = Reusable,
                    };
                    return movables is null ? snapshot : snapshot with
                    {
                        Chunks = chunks + movables.HostPlaced, MovableChunks = movables.Chunks,
                        MovableBytes = movables.Bytes, PinnedChunks = movables.Pinned, Migrations = movables.Migrations,
                        MigratedBytes = movables.MigratedBytes, DiscardedChunks = movables.Discarded,
                        BlockedByPins = movables.FailedPinned, BlockedNoRoom = movables.FailedNoRoom, MoverFailures = movables.FailedMover,
                    };
                }
            }
            spinner.SpinOnce();
        }
    }

    /// <summary>Publishes stats that passed the guard, with the live chunk count: the hot path's change, a few ordered
    /// stores (plain moves on x64) and no fence. Caller holds <see cref="Sync"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PublishStats(in CmaAllocatorStats stats)
    {
        int version = _version;
        // Release stores: none moves before an earlier one, so the odd version is seen before any field and every field
        // before the even one.
        Volatile.Write(ref _version, version + 1);
        Volatile.Write(ref _freeBytes, stats.FreeBytes);
        Volatile.Write(ref _largestFreeBlock, stats.LargestFreeBlock);
        Volatile.Write(ref _freeBlocks, stats.FreeBlockCount);
        Volatile.Write(ref _publishedChunks, Chunks.Count);
        Volatile.Write(ref _version, version + 2);
    }

    /// <summary>Starts a change of the published fields on a cold path (fence, open, close, a free while fenced); the
    /// fields are then written plainly, and <see cref="EndChange"/> publishes them. Caller holds <see cref="Sync"/>.</summary>
    private int BeginChange()
    {
        int version = _version;
        Debug.Assert((version & 1) == 0, "changes do not nest");
        Volatile.Write(ref _version, version + 1);
        Interlocked.MemoryBarrier(); // the odd version is seen before any field written next
        return version;
    }

    /// <summary>Ends the change begun by <see cref="BeginChange"/> (a release store: every field written before it is
    /// seen with it), publishing the live chunk count too.</summary>
    private void EndChange(int version)
    {
        _publishedChunks = Chunks.Count;
        Volatile.Write(ref _version, version + 2);
    }

    /// <summary>Sets the state and fence reason, published together.</summary>
    private void SetState(RegionState state, string? reason)
    {
        int version = BeginChange();
        _state = state;
        _fenceReason = reason;
        EndChange(version);
    }
}
