using System.Diagnostics;
using Cma.Runtime.Configuration;
using Cma.Runtime.Memory;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime.Regions;

/// <summary>
/// The region's movable chunks (CMA's <c>MIGRATE_CMA</c> pages, in user space). In a reusable region the host places
/// them in space the plugin considers free — from the top down unless configured otherwise — and keeps the free gaps of
/// the whole region (<see cref="MovableSpace.Gaps"/>), which every contiguous placement and free updates; in a region
/// that is not reusable the plugin places them like contiguous chunks and they never move. Region.Migration.cs moves
/// them out of a contiguous placement's way, Region.Compaction.cs packs them.
/// Concurrency: callers hold <see cref="Sync"/>.
/// </summary>
internal sealed partial class Region
{
    /// <summary>The movable chunks and (reusable) the free gaps; null in a region that never held a movable chunk and
    /// is not reusable, so that the contiguous hot path pays one null check.</summary>
    private MovableSpace? _space;

    /// <summary>Whether the region lends its free space to movable chunks (<c>Reusable: true</c>).</summary>
    public bool Reusable => _space?.Reusable ?? false;

    /// <summary>The reusable-region options: a reusable region gets its movable space (and free gaps) here, before any
    /// chunk exists.</summary>
    public RegionMovableOptions MovableOptions
    {
        get => _movableOptions;
        init
        {
            _movableOptions = value;
            _space = value.Reusable ? new MovableSpace(Info, reusable: true, value.FromTop) : null;
        }
    }

    /// <summary>See <see cref="MovableOptions"/>.</summary>
    private readonly RegionMovableOptions _movableOptions = RegionMovableOptions.Default;

    /// <summary>Whether movable chunks are placed from the top of the region down (the default).</summary>
    public bool MovablesFromTop => _movableOptions.FromTop;

    /// <summary>How many more times a contiguous request blocked by movable chunks asks the plugin again (holding each
    /// blocked range) before it fails.</summary>
    public int MigrationRetries => _movableOptions.MigrationRetries;

    /// <summary>The application's mover for moves out of an address-space-only region (null: moves are only counted).</summary>
    public Action<CmaMove>? Mover { get; set; }

    /// <summary>The movable chunks, or null when there never were any (and the region is not reusable).</summary>
    public MovableSpace? Movables => _space;

    /// <summary>The movable counters as of the last change (null while there never was a movable chunk).</summary>
    private MovableCounters? _movableCounters;

    /// <summary>The movable counters as of the last change, read without the lock (null: none ever).</summary>
    public MovableCounters? PublishedMovables => Volatile.Read(ref _movableCounters);

    /// <summary>Publishes the movable counters (after a movable change). Caller holds <see cref="Sync"/>.</summary>
    public void PublishMovableChange()
    {
        if (_space is { } space)
            Volatile.Write(ref _movableCounters, MovableCounters.Of(space));
    }

    /// <summary>Whether the last contiguous allocation moved or dropped anything (for the latency metric). Lock holder only.</summary>
    public bool LastAllocationMigrated { get; private set; }

    /// <summary>Places a movable chunk of <paramref name="requested"/> bytes: in a reusable region the host places it in
    /// free space (checked like a plugin result), else the plugin places it. <paramref name="size"/> is what it occupies.
    /// Caller holds <see cref="Sync"/> and registers the handle with <see cref="AdoptMovable"/> in the same section.</summary>
    public RegionAllocateResult TryAllocateMovable(ulong requested, ulong alignment, int owner, out ulong address, out ulong size)
    {
        if (_space is not { Reusable: true } space)
            return TryAllocateChunk(requested, alignment, owner, out address, out size);
        address = 0;
        RegionMemory? memory = Memory;
        ulong guard = memory is null ? 0 : memory.Options.GuardBytes;
        if (requested > Info.Size - guard)
        {
            size = 0;
            return State == RegionState.Active ? RegionAllocateResult.NoSpace : RegionAllocateResult.Fenced;
        }
        (size, ulong align) = Normalize(requested + guard, alignment);
        RegionAllocateResult result = PlaceInGaps(space, size, align, out address);
        if (result == RegionAllocateResult.Ok)
            memory?.Prepare(address, requested, size);
        return result;   // the caller's AdoptMovable records it and checks the accounting
    }

    /// <summary>Finds, checks and occupies free space for a host-placed chunk in this reusable region.</summary>
    private RegionAllocateResult PlaceInGaps(MovableSpace space, ulong size, ulong alignment, out ulong address)
    {
        address = 0;
        if (State != RegionState.Active)
            return RegionAllocateResult.Fenced;
        FreeGapTree gaps = space.Gaps!;
        if (!FindRoom(space, size, alignment, Info.Start, Info.End, out address))
            return RegionAllocateResult.NoSpace;
        if (CheckHostPlacement(space, address, size, alignment) is { } fault)
            return Fence($"the host's own placement of a movable chunk {fault}; the region is fenced (a host bug)");
        bool occupied = gaps.TryOccupy(address, size);
        Debug.Assert(occupied, "a range the tree found is free in it");
        return RegionAllocateResult.Ok;
    }

    /// <summary>The place for a host-placed chunk of <paramref name="size"/> bytes inside [lowest, highestEnd): the
    /// highest (or, placing from the bottom, the lowest) aligned range that is free of host-placed chunks (the gaps) and
    /// of contiguous chunks (the registry; ranges this region's request in progress holds count as free, they are released
    /// before it returns). A candidate that overlaps contiguous chunks moves the bound past the first of them and searches
    /// again: O(log n) per contiguous chunk stepped over, usually none (movable chunks go to the end contiguous placements
    /// avoid).</summary>
    private bool FindRoom(MovableSpace space, ulong size, ulong alignment, ulong lowest, ulong highestEnd, out ulong at)
    {
        FreeGapTree gaps = space.Gaps!;
        while (space.FromTop
            ? gaps.TryFindHighest(size, alignment, lowest, highestEnd, out at)
            : gaps.TryFindLowest(size, alignment, lowest, highestEnd, out at))
        {
            if (!OverlapsContiguous(at, size))
                return true;
            (ulong first, ulong last) = ContiguousSpan(at, size);
            if (space.FromTop)
                highestEnd = first;   // every fit above is taken or overlaps: the next must end below the lowest blocker
            else
                lowest = last;        // ... or start above the highest blocker's end
        }
        return false;
    }

    /// <summary>The start of the lowest and the end of the highest contiguous chunk (not held) overlapping
    /// [at, at + size), which overlaps at least one.</summary>
    private (ulong First, ulong Last) ContiguousSpan(ulong at, ulong size)
    {
        _overlapping.Clear();
        Chunks.CollectOverlapping(at, size, _overlapping);
        ulong first = ulong.MaxValue, last = 0;
        foreach (ulong start in _overlapping)
        {
            if (IsHeld(start))
                continue;
            Chunks.TryGet(start, out ChunkEntry entry);
            first = Math.Min(first, start);
            last = Math.Max(last, start + entry.Size);
        }
        return (first, last);
    }

    /// <summary>Scratch list for <see cref="ContiguousSpan"/>.</summary>
    private readonly List<ulong> _overlapping = [];

    /// <summary>Checks a range the host chose for a movable chunk as it checks a plugin result: inside, aligned, and
    /// disjoint from every live chunk of both kinds. Null when it passes.</summary>
    private string? CheckHostPlacement(MovableSpace space, ulong at, ulong size, ulong alignment)
    {
        if (!Info.Contains(at, size))
            return $"0x{at:X}+{size} is outside the region";
        if ((at & (alignment - 1)) != 0)
            return $"0x{at:X} is not aligned to {alignment}";
        if (OverlapsContiguous(at, size))
            return $"0x{at:X}+{size} overlaps a contiguous chunk";
        if (space.AnyIn(at, size))
            return $"0x{at:X}+{size} overlaps a movable chunk";
        return null;
    }

    /// <summary>Registers the handle of a movable chunk just placed by <see cref="TryAllocateMovable"/>.</summary>
    public void AdoptMovable(CmaMovableChunk chunk, ulong address)
    {
        MovableSpace space = _space ??= new MovableSpace(Info, reusable: false, MovablesFromTop);
        if (space.Reusable)
            space.AddHostPlaced(chunk, address);
        else
            space.AddPluginPlaced(chunk, address);
        PublishMovableChange();
        CheckMovableAccounting();
    }

    /// <summary>Frees a host-placed movable chunk (found by address when the contiguous registry had none there).</summary>
    private bool TryFreeHostPlaced(ulong address, out CmaGuardOverrun? overrun)
    {
        overrun = null;
        if (_space is not { Reusable: true } space || !space.ByAddress.TryGetValue(address, out CmaMovableChunk? chunk) || !chunk.HostPlaced)
            return false;
        space.Remove(chunk, address);
        bool released = space.Gaps!.TryRelease(address, chunk.PlacedSize);
        Debug.Assert(released, "a host-placed chunk's range is occupied in the gaps");
        if (chunk.State == CmaMovableChunk.Live && Memory is { } memory)
            overrun = ReleaseBytes(memory, address, new ChunkEntry(chunk.PlacedSize, chunk.Size, chunk.OwnerIndex));
        chunk.SetState(CmaMovableChunk.Freed);
        CheckMovableAccounting();
        return true;
    }

    /// <summary>Frees <paramref name="chunk"/>, which is in this region (caller holds <see cref="Sync"/> and checked it);
    /// a discarded chunk is only marked freed. False when it was already freed.</summary>
    public bool TryFreeMovable(CmaMovableChunk chunk, out CmaGuardOverrun? overrun)
    {
        overrun = null;
        switch (chunk.State)
        {
            case CmaMovableChunk.Freed:
                return false;
            case CmaMovableChunk.Dropped:
                chunk.SetState(CmaMovableChunk.Freed);
                return true;
        }
        ulong address = chunk.Address;
        bool freed = chunk.HostPlaced ? TryFreeHostPlaced(address, out overrun) : TryFree(address, out overrun);
        PublishMovableChange();
        return freed;
    }

    /// <summary>After a plugin-placed chunk at <paramref name="address"/> left the registry: in a region that is not
    /// reusable, if it was a movable chunk, its handle is marked freed (a reusable region's plugin places only contiguous
    /// chunks).</summary>
    private void ForgetMovableRange(MovableSpace space, ulong address, ulong size)
    {
        if (space.Reusable)
        {
            return;   // contiguous chunks are not in the gaps (see MovableSpace.Gaps)
        }
        else if (space.ByAddress.TryGetValue(address, out CmaMovableChunk? chunk) && !chunk.HostPlaced)
        {
            space.Remove(chunk, address);
            chunk.SetState(CmaMovableChunk.Freed);
            PublishMovableChange();
        }
    }

    /// <summary>Marks every movable chunk freed (the host is being disposed). Caller holds <see cref="Sync"/>.</summary>
    private void CloseMovables()
    {
        if (_space is null)
            return;
        foreach (CmaMovableChunk chunk in _space.ByAddress.Values)
            chunk.SetState(CmaMovableChunk.Freed);
    }

    /// <summary>Pins <paramref name="chunk"/> (in this region; caller holds <see cref="Sync"/>): a long-term pin of an
    /// unpinned chunk in a reusable region first moves it to a region of its list that is not reusable, when one has
    /// room — then <paramref name="moved"/> is set, nothing is pinned, and the caller pins it again under its new
    /// region's lock (where it never moves). Returns the outcome and the pin.</summary>
    public CmaOutcome TryPin(CmaMovableChunk chunk, bool longTerm, out CmaPin? pin, out bool moved)
    {
        pin = null;
        moved = false;
        if (chunk.State != CmaMovableChunk.Live)
            return chunk.State == CmaMovableChunk.Dropped ? CmaOutcome.Discarded : CmaOutcome.NotFound;
        if (longTerm && chunk.HostPlaced && chunk.PinCount == 0 && MoveOutForLongTermPin(chunk))
        {
            moved = true;
            return CmaOutcome.Ok;
        }
        if (chunk.PinCount == 0 && _space is { } space)
            space.Pinned++;
        chunk.AddPin();
        PublishMovableChange();
        pin = new CmaPin(chunk, chunk.Address, longTerm);
        return CmaOutcome.Ok;
    }

    /// <summary>Tries the chunk's non-reusable regions (in its list order) for a long-term pin's move: true when it moved;
    /// false (logged) when none had room or its lock stayed busy, and the chunk is pinned in place.</summary>
    private bool MoveOutForLongTermPin(CmaMovableChunk chunk)
    {
        foreach (Region target in chunk.Candidates)
        {
            if (target == this || target.Reusable || !SameBacking(target) || !target.Sync.TryEnter(TimeSpan.FromMilliseconds(50)))
                continue;
            try
            {
                if (TryMoveAway(chunk, target, CmaMoveReason.LongTermPin) is not null)
                    return true;
            }
            finally
            {
                target.Sync.Exit();
            }
        }
        _logger.LogDebug("A long-term pin of 0x{Address:X} in reusable region {Region} found no room elsewhere; pinned in place.", chunk.Address, Info.Name);
        return false;
    }

    /// <summary>Whether chunks can move between this region and <paramref name="other"/>: both backed (bytes are copied)
    /// or both address space only (the mover moves them).</summary>
    private bool SameBacking(Region other) => (Memory is null) == (other.Memory is null);
}
