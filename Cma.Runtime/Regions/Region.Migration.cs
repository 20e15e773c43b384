using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime.Regions;

/// <summary>
/// Contiguous placement in a reusable region (CMA's <c>alloc_contig_range</c>): the plugin places the request as if no
/// movable chunk existed; the host then moves every movable chunk in the placed range out of the way — to other free
/// space of the region, else to the next region of the chunk's own list — or drops it when it is discardable and has
/// nowhere to go (dropping other discardable chunks of the region, as needed, to make room for ones that are not).
/// A range that holds a pinned chunk, or whose chunks have nowhere to go, is kept (held) while the plugin is asked again,
/// at most <see cref="MigrationRetries"/> more times; then every held range is released and the request fails with
/// what stood in the way. Every destination is checked like a plugin result; bytes are copied in backed regions, and the
/// application's <see cref="Mover"/> is asked in address-space-only ones.
/// Concurrency: callers hold <see cref="Sync"/>; other regions' locks are only tried (never waited for), so two regions
/// migrating into each other cannot deadlock — a busy region is simply not a destination this time.
/// </summary>
internal sealed partial class Region
{
    /// <summary>Where one displaced chunk goes: <see cref="Target"/> null means it is dropped (discardable).</summary>
    private readonly record struct MovePlan(CmaMovableChunk Chunk, Region? Target, ulong To, ulong ToSize);

    /// <summary>The plans of the placement in progress (reused).</summary>
    private readonly List<MovePlan> _plans = [];

    /// <summary>The ranges the placement in progress holds (start, size): recorded as chunks, never in the gaps, and
    /// released before the placement returns, so a displaced chunk may move into one (see <see cref="CheckHostPlacement"/>).</summary>
    private readonly List<(ulong Start, ulong Size)> _holds = [];

    /// <summary>Whether the chunk at <paramref name="start"/> is a range the placement in progress holds.</summary>
    private bool IsHeld(ulong start)
    {
        foreach ((ulong held, _) in _holds)
        {
            if (held == start)
                return true;
        }
        return false;
    }

    /// <summary>Whether [at, at + size) overlaps a live contiguous chunk other than a range the placement in progress
    /// holds: the parts of the range outside every hold are checked against the registry.</summary>
    private bool OverlapsContiguous(ulong at, ulong size)
    {
        if (_holds.Count == 0)
            return Chunks.Overlaps(at, size);
        ulong pos = at, end = at + size;
        foreach ((ulong start, ulong length) in _holds.OrderBy(h => h.Start))
        {
            if (start + length <= pos || start >= end)
                continue;
            if (start > pos && Chunks.Overlaps(pos, start - pos))
                return true;
            pos = Math.Max(pos, start + length);
        }
        return pos < end && Chunks.Overlaps(pos, end - pos);
    }

    /// <summary>Other regions whose locks the placement in progress holds (reused).</summary>
    private readonly List<Region> _lockedTargets = [];

    /// <summary><see cref="Place"/> for a reusable region, with migration, holds and retries (see the class remarks).</summary>
    private RegionAllocateResult PlaceReusable(ulong size, ulong requested, ulong alignment, int owner, out ulong address)
    {
        LastAllocationMigrated = false;
        if (_space!.HostPlacedCount == 0)
            return Place(size, requested, alignment, owner, out address);   // nothing lent: an ordinary placement
        List<ulong>? holds = null;
        RegionAllocateResult blocked = RegionAllocateResult.NoSpace;
        for (int attempt = 0; ; attempt++)
        {
            RegionAllocateResult result = Place(size, requested, alignment, owner, out address);
            bool placed = result == RegionAllocateResult.Ok;  // a range is recorded (address 0 is a valid one)
            if (placed)
                result = MakeRoom(address, size);
            else if (result == RegionAllocateResult.NoSpace && holds is not null)
                result = blocked; // the plugin has nothing else: report what stood in the ranges it had
            if (result == RegionAllocateResult.Ok || result == RegionAllocateResult.Fenced)
            {
                ReleaseHolds(holds);
                if (!LastAllocationMigrated)
                    return result;   // nothing moved or dropped: the movable accounting is as it was
                PublishMovableChange();
                if (result == RegionAllocateResult.Ok && !CheckMovableAccounting())
                {
                    address = 0;
                    return RegionAllocateResult.Fenced;   // the chunk stays recorded (freed while fenced, like any other)
                }
                return result;
            }
            if (result is RegionAllocateResult.Pinned or RegionAllocateResult.NoRoomToMigrate && placed && attempt < MigrationRetries)
            {
                blocked = result;
                (holds ??= []).Add(address);    // keep the range while the plugin is asked again
                _holds.Add((address, size));
                continue;
            }
            if (placed)
                ReleaseHold(address);   // MakeRoom left the range recorded (Pinned, NoRoomToMigrate, MoverFailed)
            ReleaseHolds(holds);
            CountFailure(result);
            PublishMovableChange();
            CheckMovableAccounting();
            address = 0;
            return result;
        }
    }

    /// <summary>Counts a contiguous request that movable chunks made fail.</summary>
    private void CountFailure(RegionAllocateResult result)
    {
        MovableSpace space = _space!;
        switch (result)
        {
            case RegionAllocateResult.Pinned: space.FailedPinned++; break;
            case RegionAllocateResult.NoRoomToMigrate: space.FailedNoRoom++; break;
            case RegionAllocateResult.MoverFailed: space.FailedMover++; break;
        }
    }

    /// <summary>Releases held ranges (the plugin gets them back; they were never in the gaps).</summary>
    private void ReleaseHolds(List<ulong>? holds)
    {
        if (holds is null)
            return;
        _holds.Clear();
        foreach (ulong at in holds)
            ReleaseHold(at);
    }

    /// <summary>Forgets a range this region placed but did not hand out, returning it to the plugin (if still active).</summary>
    private void ReleaseHold(ulong at)
    {
        AllocatorGuard guard = _guard!;
        bool forgot = guard.TryForget(at, out ChunkEntry entry);
        Debug.Assert(forgot, "a held range is recorded");
        if (State == RegionState.Active)
            FreeInPlugin(guard, at, entry.Size);
    }

    /// <summary>Clears [at, at + size), just placed by the plugin (and recorded as a contiguous chunk), of movable chunks.
    /// A range no host-placed chunk overlaps costs one index lookup — the whole cost of a reusable region on the contiguous
    /// path, since the gaps track movable chunks only.</summary>
    private RegionAllocateResult MakeRoom(ulong at, ulong size)
    {
        MovableSpace space = _space!;
        if (!space.AnyIn(at, size))
            return RegionAllocateResult.Ok;
        CmaMovableChunk[] displaced = [.. space.CollectIn(at, size)];
        foreach (CmaMovableChunk d in displaced)
        {
            if (d.PinCount > 0)
            {
                _logger.LogDebug("Region {Region}: 0x{At:X}+{Size} holds pinned movable chunk 0x{Chunk:X}.", Info.Name, at, size, d.Address);
                return RegionAllocateResult.Pinned;
            }
        }
        DropForShortfall(space, displaced, at, size);
        _plans.Clear();
        RegionAllocateResult result = RegionAllocateResult.Ok;
        foreach (CmaMovableChunk d in displaced)
        {
            if (!PlanDestination(space, d, at, size))
            {
                UndoPlans(0);
                result = RegionAllocateResult.NoRoomToMigrate;
                break;
            }
        }
        if (result == RegionAllocateResult.Ok)
            result = ExecutePlans(space);
        foreach (Region target in _lockedTargets)
            target.Sync.Exit();
        _lockedTargets.Clear();
        return result;
    }

    /// <summary>Plans where displaced chunk <paramref name="d"/> goes (the destination is reserved); false when nowhere.</summary>
    private bool PlanDestination(MovableSpace space, CmaMovableChunk d, ulong at, ulong size)
    {
        if (TryReserveInGaps(space, d, out ulong to))
        {
            _plans.Add(new MovePlan(d, this, to, d.PlacedSize));
            return true;
        }
        Region[] list = d.Candidates;
        for (int j = Array.IndexOf(list, this) + 1; j < list.Length; j++)
        {
            Region target = list[j];
            if (target == this || !SameBacking(target) || !EnterTarget(target))
                continue;
            if (target.TryReserveForMigrant(d, out to, out ulong toSize))
            {
                _plans.Add(new MovePlan(d, target, to, toSize));
                return true;
            }
        }
        if (d.IsDiscardable)
        {
            _plans.Add(new MovePlan(d, null, 0, 0));
            return true;
        }
        if (DropDiscardablesFor(space, d, at, size) && TryReserveInGaps(space, d, out to))
        {
            _plans.Add(new MovePlan(d, this, to, d.PlacedSize));
            return true;
        }
        return false;
    }

    /// <summary>Finds, checks and occupies room in this region's gaps for <paramref name="d"/>.</summary>
    private bool TryReserveInGaps(MovableSpace space, CmaMovableChunk d, out ulong to)
    {
        if (!FindRoom(space, d.PlacedSize, d.Alignment, Info.Start, Info.End, out to)
            || CheckHostPlacement(space, to, d.PlacedSize, d.Alignment) is not null)
            return false;
        return space.Gaps!.TryOccupy(to, d.PlacedSize);
    }

    /// <summary>Takes another region's lock for this placement (once), without waiting: false when it is busy.</summary>
    private bool EnterTarget(Region target)
    {
        if (_lockedTargets.Contains(target))
            return true;
        if (!target.Sync.TryEnter())
            return false;
        _lockedTargets.Add(target);
        return true;
    }

    /// <summary>Releases the destinations of plans from <paramref name="first"/> on (not executed).</summary>
    private void UndoPlans(int first)
    {
        for (int k = first; k < _plans.Count; k++)
        {
            MovePlan p = _plans[k];
            if (p.Target is { } target)
                target.ReleaseReservation(p.To, p.ToSize);
        }
        _plans.Clear();
    }

    /// <summary>Moves or drops every planned chunk; on a mover failure the rest stay where they are.</summary>
    private RegionAllocateResult ExecutePlans(MovableSpace space)
    {
        FreeGapTree gaps = space.Gaps!;
        for (int k = 0; k < _plans.Count; k++)
        {
            (CmaMovableChunk d, Region? target, ulong to, ulong toSize) = _plans[k];
            ulong from = d.Address, length = d.PlacedSize;
            if (target is null)
                Drop(space, d);
            else if (!Transfer(d, target, to, toSize, CmaMoveReason.Migration, null))
            {
                UndoPlans(k);
                return RegionAllocateResult.MoverFailed;
            }
            else
                Commit(space, d, target, to, toSize);
            bool released = gaps.TryRelease(from, length);
            Debug.Assert(released, "a host-placed chunk's range is occupied in the gaps");
        }
        _plans.Clear();
        LastAllocationMigrated = true;
        return RegionAllocateResult.Ok;
    }
}
