using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Cma.Host.Workloads;

/// <summary>
/// The reusable-region half of <see cref="MapReplay"/>: movable and discardable allocations (<c>m</c>, <c>d</c>) through
/// <see cref="CmaService.TryAllocateMovable"/> (or <see cref="CmaService.TryAllocateMovableFrom"/> with named regions),
/// pins and unpins (<c>p</c>, <c>p id long</c>, <c>u</c>) through the chunk's handle, and the free of a movable slot
/// (its pins dropped, then the handle disposed). The migration counters come from the regions' snapshots (end minus
/// start). Movable chunks count in the live bytes of the region they were placed in until their free (a discarded one
/// too) and are not drawn in the occupancy maps, since the host may move them.
/// </summary>
internal sealed partial class MapReplay
{
    /// <summary>Per slot, the movable chunk and its pins; null until the first movable operation (so a trace of
    /// <c>a</c>/<c>f</c> only pays one null check per free).</summary>
    private MovableSlots? _movable;

    /// <summary>Every region's snapshot when the replay began.</summary>
    private readonly IReadOnlyList<CmaRegionSnapshot> _before;

    /// <summary>Per region, moves the replay's mover was told of (only address-space-only reusable regions report them).</summary>
    private long[]? _moverMoves;

    /// <summary>Replays a movable allocation, a pin or an unpin.</summary>
    private void Reusable(in TraceOp next, long op)
    {
        switch (next.Kind)
        {
            case TraceOpKind.AllocateMovable:
            case TraceOpKind.AllocateDiscardable:
                AllocateMovable(in next, op);
                break;
            case TraceOpKind.Pin:
            case TraceOpKind.PinLongTerm:
                Pin(in next);
                break;
            case TraceOpKind.Unpin:
                Unpin(in next);
                break;
        }
    }

    /// <summary>Replays <c>m</c> or <c>d</c>: a movable chunk through the map, or from the named (movable) regions.</summary>
    private void AllocateMovable(in TraceOp next, long op)
    {
        string? region = _target.MovableRegion;
        DeviceReplayRow row = Target(in next, region, out string? who, out string? what);
        row.Requests++;
        row.Movable++;
        MovableReplayCounters counters = _result.Movable;
        counters.Requests++;
        bool discardable = next.Kind == TraceOpKind.AllocateDiscardable;
        if (discardable)
            counters.DiscardableRequests++;
        if (next.Size == 0)
            _result.ZeroSizeRequests++;
        CmaOutcome outcome;
        CmaMovableChunk? chunk;
        long t1 = Stopwatch.GetTimestamp();
        try
        {
            outcome = region is null
                ? _service.TryAllocateMovable(who!, what, Math.Max(1, next.Size), next.Alignment, discardable, out chunk)
                : _service.TryAllocateMovableFrom(region, Math.Max(1, next.Size), next.Alignment, discardable, out chunk);
        }
        catch (ArgumentException)
        {
            outcome = CmaOutcome.NoSpace;
            chunk = null;
        }
        ChargeService(Stopwatch.GetTimestamp() - t1);
        if (outcome != CmaOutcome.Ok)
        {
            Refused(in next, op, outcome, row, who, what);
            return;
        }
        counters.Satisfied++;
        int r = _regionIndex[chunk!.Region];
        ulong placed = chunk.PlacedSize;
        _slots.Set(next.Slot, chunk.Address, placed, next.Size);
        if (next.Slot >= _regionOf.Length)
            Array.Resize(ref _regionOf, Math.Max(next.Slot + 1, _regionOf.Length * 2));
        _regionOf[next.Slot] = r;
        (_movable ??= new MovableSlots()).Add(next.Slot, chunk);
        row.Satisfied++;
        row.BytesPlaced += placed;
        row.PlacedIn[chunk.Region] = row.PlacedIn.GetValueOrDefault(chunk.Region) + 1;
        _meters[r].Allocated(chunk.Address, placed, op);
    }

    /// <summary>Replays <c>p</c> (or <c>p id long</c>): a pin on the slot's chunk, kept on the slot's stack of pins. A
    /// discarded chunk cannot be pinned: counted, and an empty place on the stack keeps the trace's <c>u</c> matched.</summary>
    private void Pin(in TraceOp next)
    {
        MovableReplayCounters counters = _result.Movable;
        if (_movable?.Chunk(next.Slot) is not CmaMovableChunk chunk)
        {
            counters.PinsOfFailedSkipped++;   // its allocation failed in this replay
            return;
        }
        bool longTerm = next.Kind == TraceOpKind.PinLongTerm;
        long t1 = Stopwatch.GetTimestamp();
        CmaOutcome outcome = chunk.TryPin(longTerm, out CmaPin? pin);
        ChargeService(Stopwatch.GetTimestamp() - t1);
        if (outcome == CmaOutcome.Ok)
        {
            counters.Pins++;
            if (longTerm)
                counters.LongTermPins++;
        }
        else
        {
            counters.PinsOfDiscarded++;
            pin = null;
        }
        _movable.Push(next.Slot, pin);
    }

    /// <summary>Replays <c>u</c>: drops the slot's last pin.</summary>
    private void Unpin(in TraceOp next)
    {
        if (_movable is null || !_movable.TryPop(next.Slot, out CmaPin? pin))
        {
            _result.Movable.PinsOfFailedSkipped++;
            return;
        }
        if (pin is null)
            return;   // the pin that failed on a discarded chunk
        long t1 = Stopwatch.GetTimestamp();
        pin.Dispose();
        ChargeService(Stopwatch.GetTimestamp() - t1);
        _result.Movable.Unpins++;
    }

    /// <summary>Replays <c>f</c> of a movable slot: its pins go, then the chunk (a discarded one is counted).</summary>
    private void FreeMovable(MovableSlots.Entry entry, int r, ulong placed)
    {
        if (entry.Chunk.IsDiscarded)
            _result.Movable.FreesOfDiscarded++;
        long t1 = Stopwatch.GetTimestamp();
        if (entry.Pins is { } pins)
        {
            foreach (CmaPin? pin in pins)
                pin?.Dispose();
        }
        entry.Chunk.Dispose();
        ChargeService(Stopwatch.GetTimestamp() - t1);
        _meters[r].Freed(placed);
    }

    /// <summary>Registers a mover that counts moves when some region is reusable and address-space only; true when it did.</summary>
    private bool RegisterMover()
    {
        if (!_before.Any(s => s.Reusable && s.Backing == CmaBacking.None))
            return false;
        long[] moves = _moverMoves = new long[_regions.Length];
        MovableReplayCounters counters = _result.Movable;
        _service.SetMover(move =>
        {
            counters.MoverMoves++;
            counters.MoverBytes += move.Size;
            if (_regionIndex.TryGetValue(move.FromRegion, out int r))
                moves[r]++;
        });
        return true;
    }

    /// <summary>Fills <see cref="MapReplayResult.Migration"/>: each region's counters at the end minus at the start.</summary>
    private void FinishMigration()
    {
        IReadOnlyList<CmaRegionSnapshot> after = _service.GetRegions();
        for (int i = 0; i < after.Count; i++)
        {
            CmaRegionSnapshot a = after[i], b = _before[i];
            _result.Migration.Add(new RegionMigrationRow
            {
                Name = a.Name,
                Reusable = a.Reusable,
                Migrations = a.Migrations - b.Migrations,
                MigratedBytes = a.MigratedBytes - b.MigratedBytes,
                DiscardedChunks = a.DiscardedChunks - b.DiscardedChunks,
                BlockedByPins = a.BlockedByPins - b.BlockedByPins,
                BlockedNoRoom = a.BlockedNoRoom - b.BlockedNoRoom,
                MoverFailures = a.MoverFailures - b.MoverFailures,
                MoverMoves = _moverMoves?[i] ?? 0,
                MovableChunksAtEnd = a.MovableChunks,
                MovableBytesAtEnd = a.MovableBytes,
            });
        }
    }

    /// <summary>Adds one timed service call of <paramref name="ticks"/> (timer included) to <see cref="_serviceTicks"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ChargeService(long ticks)
    {
        _serviceTicks += ticks;
        _serviceCalls++;
    }
}
