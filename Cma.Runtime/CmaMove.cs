namespace Cma.Runtime;

/// <summary>Why the host moved a movable chunk.</summary>
public enum CmaMoveReason
{
    /// <summary>A contiguous request was placed over it (CMA's migration).</summary>
    Migration = 0,

    /// <summary><see cref="ICmaService.Compact"/> packed the region.</summary>
    Compaction = 1,

    /// <summary>A long-term pin moved it out of a reusable region first (mainline's rule for <c>FOLL_LONGTERM</c>).</summary>
    LongTermPin = 2,
}

/// <summary>
/// One move of a movable chunk: its bytes went from <see cref="From"/> in <see cref="FromRegion"/> to <see cref="To"/>
/// in <see cref="ToRegion"/> (the shape of VMA's defragmentation move list). In a backed region the host has already
/// copied the bytes when anyone sees the move; in an address-space-only region the application's mover
/// (<see cref="ICmaService.SetMover"/>) is asked to do it before the host records the move.
/// </summary>
public readonly record struct CmaMove
{
    /// <summary>The chunk's address before the move.</summary>
    public required ulong From { get; init; }

    /// <summary>The chunk's address after the move.</summary>
    public required ulong To { get; init; }

    /// <summary>The bytes that moved: the chunk's size as placed (the request rounded to the granule, guard bytes included).</summary>
    public required ulong Size { get; init; }

    /// <summary>The region the chunk left.</summary>
    public required string FromRegion { get; init; }

    /// <summary>The region the chunk is in now (the same region for most moves).</summary>
    public required string ToRegion { get; init; }

    /// <summary>The chunk's owner (<c>device/type</c>; empty for a chunk allocated from named regions).</summary>
    public required string Owner { get; init; }

    /// <summary>Why it moved.</summary>
    public required CmaMoveReason Reason { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Reason}: {Size} bytes 0x{From:X} ({FromRegion}) -> 0x{To:X} ({ToRegion}) for '{Owner}'";
}
