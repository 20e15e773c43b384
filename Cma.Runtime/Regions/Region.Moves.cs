using System.Diagnostics;
using Cma.Runtime.Memory;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime.Regions;

/// <summary>
/// Moving one movable chunk: reserving room for it in a destination region (this one's gaps, or another region taking
/// a migrant), carrying its bytes (copied in backed regions; the application's <see cref="Mover"/> asked in
/// address-space-only ones), recording it at its new place, dropping a discardable one, and compaction on request.
/// Concurrency: callers hold <see cref="Sync"/> of the source region and of the destination.
/// </summary>
internal sealed partial class Region
{
    /// <summary>Set on a thread while it runs an application's mover: a call into the host from the mover is refused.</summary>
    [ThreadStatic]
    private static bool t_inMover;

    /// <summary>Whether this thread is inside a mover (see <see cref="PluginCallScope.ThrowIfInside"/>).</summary>
    public static bool InMover => t_inMover;

    /// <summary>Reserves room in this region for a chunk migrating in from another (caller holds <see cref="Sync"/>): from
    /// the gaps when reusable (host-placed), else from the plugin (checked by the guard like any placement).</summary>
    public bool TryReserveForMigrant(CmaMovableChunk d, out ulong to, out ulong toSize)
    {
        to = toSize = 0;
        ulong guard = Memory is null ? 0 : Memory.Options.GuardBytes;
        if (State != RegionState.Active || d.Size > Info.Size - guard)
            return false;
        (toSize, ulong align) = Normalize(d.Size + guard, d.Alignment);
        RegionAllocateResult result = _space is { Reusable: true } space
            ? PlaceInGaps(space, toSize, align, out to)
            : Place(toSize, d.Size, align, OwnerIndex(d.Device, d.Type), out to);
        return result == RegionAllocateResult.Ok;
    }

    /// <summary>Gives back a reservation made by <see cref="TryReserveForMigrant"/> or <see cref="TryReserveInGaps"/> that
    /// was not used.</summary>
    public void ReleaseReservation(ulong to, ulong toSize)
    {
        if (_space is { Reusable: true } space)
        {
            bool released = space.Gaps!.TryRelease(to, toSize);
            Debug.Assert(released, "a reservation is occupied in the gaps");
        }
        else
            ReleaseHold(to);
    }

    /// <summary>Records a chunk that migrated into this region at <paramref name="to"/>.</summary>
    private void AdoptMigrant(CmaMovableChunk d, ulong to)
    {
        MovableSpace space = _space ??= new MovableSpace(Info, reusable: false, MovablesFromTop);
        if (space.Reusable)
            space.AddHostPlaced(d, to);
        else
            space.AddPluginPlaced(d, to);
    }

    /// <summary>Carries chunk <paramref name="d"/>'s bytes from its current place in this region to <paramref name="to"/>
    /// in <paramref name="target"/> (prepared there); false when the mover threw (nothing moved).</summary>
    private bool Transfer(CmaMovableChunk d, Region target, ulong to, ulong toSize, CmaMoveReason reason, List<CmaMove>? moves)
    {
        ulong from = d.Address;
        var move = new CmaMove { From = from, To = to, Size = d.PlacedSize, FromRegion = Info.Name, ToRegion = target.Info.Name, Owner = d.Owner, Reason = reason };
        if (Memory is { } source && target.Memory is { } destination)
        {
            destination.Prepare(to, d.Size, toSize);
            RegionMemory.Copy(from, to, d.Size);
            (ulong first, ulong changed) = source.Release(from, d.Size, d.PlacedSize);
            if (changed != 0)
                _logger.LogError("Cma: movable chunk 0x{Address:X} ({Owner}) in region {Region}: {Changed} guard byte(s) changed from offset {First}; moved all the same.", from, d.Owner, Info.Name, changed, first);
        }
        else if (Mover is { } mover && !TryRunMover(mover, move))
            return false;
        moves?.Add(move);
        MovableSpace space = _space!;
        space.Migrations++;
        space.MigratedBytes += d.PlacedSize;
        return true;
    }

    /// <summary>Runs the application's mover for one move; false (logged) when it threw.</summary>
    private bool TryRunMover(Action<CmaMove> mover, CmaMove move)
    {
        try
        {
            using PluginCallScope call = PluginCallScope.Enter(this); // a call from the mover into the host is refused
            t_inMover = true;
            mover(move);
            return true;
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Cma: the mover threw on {Move}; nothing further was moved.", move);
            return false;
        }
        finally
        {
            t_inMover = false;
        }
    }

    /// <summary>Records chunk <paramref name="d"/>, just carried, at its new place (its old range is released by the caller).</summary>
    private void Commit(MovableSpace space, CmaMovableChunk d, Region target, ulong to, ulong toSize)
    {
        space.Remove(d, d.Address);
        d.PlacedSize = toSize;
        if (target != this)
            d.OwnerIndex = target.OwnerIndex(d.Device, d.Type);
        d.MoveTo(target, to);
        target.AdoptMigrant(d, to);
        if (target != this)
            target.PublishMovableChange();
    }

    /// <summary>Drops discardable chunk <paramref name="d"/> (its old range is released by the caller).</summary>
    private void Drop(MovableSpace space, CmaMovableChunk d)
    {
        space.Remove(d, d.Address);
        Memory?.Release(d.Address, d.Size, d.PlacedSize);
        d.SetState(CmaMovableChunk.Dropped);
        space.Discarded++;
        LastAllocationMigrated = true;   // dropped even if this attempt fails: a later attempt's success must publish it
        _logger.LogDebug("Region {Region}: dropped discardable chunk 0x{Address:X}+{Size} ({Owner}).", Info.Name, d.Address, d.PlacedSize, d.Owner);
    }

    /// <summary>Drops discardable chunks of this region outside [at, at + size), unpinned, to make room for
    /// <paramref name="d"/>: first one whose space alone (with the gaps beside it) fits it, else one by one until it fits.
    /// True when it fits now.</summary>
    private bool DropDiscardablesFor(MovableSpace space, CmaMovableChunk d, ulong at, ulong size)
    {
        FreeGapTree gaps = space.Gaps!;
        CmaMovableChunk[] candidates = DropCandidates(space, at, size);
        foreach (CmaMovableChunk c in candidates)
        {
            // Would the space c and the gaps beside it make hold d, between the contiguous chunks there? Try it: release
            // c's range, look, and take it back unless d fits.
            (ulong lo, ulong hi) = gaps.FreeAround(c.Address, c.PlacedSize);
            if (hi - lo < d.PlacedSize || !gaps.TryRelease(c.Address, c.PlacedSize))
                continue;
            if (FindRoom(space, d.PlacedSize, d.Alignment, lo, hi, out _))
            {
                Drop(space, c);
                return true;
            }
            gaps.TryOccupy(c.Address, c.PlacedSize);
        }
        // No single one is enough: release candidates' ranges one by one until d fits, then drop exactly those; if it never
        // fits, take every range back, so that no cache is lost for a request that fails anyway.
        int released = 0;
        bool fits = false;
        for (; released < candidates.Length && !fits; released++)
        {
            bool freed = gaps.TryRelease(candidates[released].Address, candidates[released].PlacedSize);
            Debug.Assert(freed, "a host-placed chunk's range is occupied in the gaps");
            fits = FindRoom(space, d.PlacedSize, d.Alignment, Info.Start, Info.End, out _);
        }
        for (int i = 0; i < released; i++)
        {
            if (fits)
                Drop(space, candidates[i]);
            else
                gaps.TryOccupy(candidates[i].Address, candidates[i].PlacedSize);
        }
        return fits;
    }

    /// <summary>The discardable chunks that may be dropped for the placement of [at, at + size): unpinned, outside it.</summary>
    private static CmaMovableChunk[] DropCandidates(MovableSpace space, ulong at, ulong size) =>
        [.. space.Discardables.Where(c => c.PinCount == 0 && c.State == CmaMovableChunk.Live && (c.Address + c.PlacedSize <= at || c.Address >= at + size))];

    /// <summary>Before planning the moves out of [at, at + size): when the displaced chunks that are not discardable need
    /// more bytes than the region has free, drops discardable chunks outside the range until the bytes suffice (one scan,
    /// instead of one per displaced chunk); where they go is then planned as usual.</summary>
    private void DropForShortfall(MovableSpace space, CmaMovableChunk[] displaced, ulong at, ulong size)
    {
        ulong need = 0, inside = 0;
        foreach (CmaMovableChunk d in displaced)
        {
            if (!d.IsDiscardable)
                need += d.PlacedSize;
            inside += Math.Min(d.Address + d.PlacedSize, at + size) - Math.Max(d.Address, at); // counted as movable and in the range
        }
        if (need <= FreeForMovable(space, inside) || space.Discardables.Count == 0)
            return;
        foreach (CmaMovableChunk c in DropCandidates(space, at, size))
        {
            DropOutside(space, c);
            if (FreeForMovable(space, inside) >= need)
                return;
        }
    }

    /// <summary>Bytes of the region neither movable nor contiguous chunks occupy (held ranges counted as occupied), where
    /// <paramref name="overlap"/> bytes of movable chunks lie inside the contiguous placement in progress (so that they are
    /// not subtracted twice).</summary>
    private ulong FreeForMovable(MovableSpace space, ulong overlap)
    {
        ulong free = space.Gaps!.FreeBytes + overlap;
        return free > Chunks.Bytes ? free - Chunks.Bytes : 0;
    }

    /// <summary>Drops a discardable chunk that lies outside the placement in progress, releasing its range.</summary>
    private void DropOutside(MovableSpace space, CmaMovableChunk c)
    {
        ulong from = c.Address, length = c.PlacedSize;
        Drop(space, c);
        bool released = space.Gaps!.TryRelease(from, length);
        Debug.Assert(released, "a host-placed chunk's range is occupied in the gaps");
    }

    /// <summary>Moves <paramref name="d"/> (unpinned, host-placed here) to <paramref name="target"/>, a region that is not
    /// reusable (caller holds both locks); the move, or null when the target had no room or the mover threw.</summary>
    private CmaMove? TryMoveAway(CmaMovableChunk d, Region target, CmaMoveReason reason)
    {
        if (!target.TryReserveForMigrant(d, out ulong to, out ulong toSize))
            return null;
        var moves = new List<CmaMove>(1);
        if (!Transfer(d, target, to, toSize, reason, moves))
        {
            target.ReleaseReservation(to, toSize);
            return null;
        }
        MovableSpace space = _space!;
        ulong from = d.Address, length = d.PlacedSize;
        Commit(space, d, target, to, toSize);
        bool released = space.Gaps!.TryRelease(from, length);
        Debug.Assert(released, "a host-placed chunk's range is occupied in the gaps");
        PublishMovableChange();
        CheckMovableAccounting();   // the target is never reusable (MoveOutForLongTermPin), so it keeps no such accounting
        return moves[0];
    }

    /// <summary>Packs this reusable region's unpinned movable chunks towards their placement end (the top by default),
    /// each to the furthest free place beyond it, so that the free space at the other end is as large as the pinned and
    /// contiguous chunks allow. Appends the moves to <paramref name="moves"/>; stops at a mover that throws.</summary>
    public void Compact(List<CmaMove> moves)
    {
        if (_space is not { Reusable: true } space || State != RegionState.Active)
            return;
        FreeGapTree gaps = space.Gaps!;
        CmaMovableChunk[] chunks = space.HostPlacedInOrder();
        if (space.FromTop)
            Array.Reverse(chunks);
        foreach (CmaMovableChunk d in chunks)
        {
            if (d.PinCount > 0 || d.State != CmaMovableChunk.Live)
                continue;
            ulong from = d.Address, size = d.PlacedSize;
            bool found = space.FromTop
                ? FindRoom(space, size, d.Alignment, from + 1, Info.End, out ulong to)
                : FindRoom(space, size, d.Alignment, Info.Start, from, out to);
            if (!found || CheckHostPlacement(space, to, size, d.Alignment) is not null || !gaps.TryOccupy(to, size))
                continue;
            if (!Transfer(d, this, to, size, CmaMoveReason.Compaction, moves))
            {
                gaps.TryRelease(to, size);
                break;
            }
            Commit(space, d, this, to, size);
            gaps.TryRelease(from, size);
        }
        PublishMovableChange();
        CheckMovableAccounting();
    }
}
