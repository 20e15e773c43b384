namespace Cma.Host.Workloads;

/// <summary>What a replay through the map did with movable chunks, pins and unpins (<c>m</c>, <c>d</c>, <c>p</c>, <c>u</c>,
/// and <c>f</c> of a movable chunk).</summary>
internal sealed class MovableReplayCounters
{
    /// <summary>Movable and discardable allocation requests (<c>m</c>, <c>d</c>; also counted in the device rows).</summary>
    public long Requests { get; set; }

    /// <summary>Of those, discardable ones (<c>d</c>).</summary>
    public long DiscardableRequests { get; set; }

    /// <summary>Movable requests placed.</summary>
    public long Satisfied { get; set; }

    /// <summary>Pins taken (short and long-term).</summary>
    public long Pins { get; set; }

    /// <summary>Of those, long-term pins (<c>p id long</c>).</summary>
    public long LongTermPins { get; set; }

    /// <summary>Pins dropped by <c>u</c> (pins still held at the chunk's free go with it and are not counted here).</summary>
    public long Unpins { get; set; }

    /// <summary><c>p</c> of a chunk the host had discarded: counted, not an error (the trace cannot know).</summary>
    public long PinsOfDiscarded { get; set; }

    /// <summary><c>f</c> of a chunk the host had discarded: counted, not an error.</summary>
    public long FreesOfDiscarded { get; set; }

    /// <summary><c>p</c>/<c>u</c> of a slot whose movable allocation failed in this replay: skipped.</summary>
    public long PinsOfFailedSkipped { get; set; }

    /// <summary>Moves reported to the replay's mover (address-space-only reusable regions only).</summary>
    public long MoverMoves { get; set; }

    /// <summary>Bytes those moves carried.</summary>
    public ulong MoverBytes { get; set; }
}

/// <summary>One region's migration counters over a replay: its snapshot's counters at the end minus at the start.</summary>
internal sealed class RegionMigrationRow
{
    /// <summary>The region's name.</summary>
    public required string Name { get; init; }

    /// <summary>Whether it is reusable (<c>Reusable: true</c>).</summary>
    public required bool Reusable { get; init; }

    /// <summary>Moves of movable chunks out of or within the region (migrations, compaction, long-term pins).</summary>
    public long Migrations { get; set; }

    /// <summary>Bytes those moves carried.</summary>
    public ulong MigratedBytes { get; set; }

    /// <summary>Discardable chunks dropped to make room.</summary>
    public long DiscardedChunks { get; set; }

    /// <summary>Contiguous requests that failed here because pinned chunks stood in every range tried.</summary>
    public long BlockedByPins { get; set; }

    /// <summary>Contiguous requests that failed here because the movable chunks in the way had nowhere to go.</summary>
    public long BlockedNoRoom { get; set; }

    /// <summary>Contiguous requests that failed here because the mover threw.</summary>
    public long MoverFailures { get; set; }

    /// <summary>Moves the replay's mover was told of, from this region (address-space-only reusable regions).</summary>
    public long MoverMoves { get; set; }

    /// <summary>Live movable chunks at the end.</summary>
    public long MovableChunksAtEnd { get; set; }

    /// <summary>Movable bytes live at the end.</summary>
    public ulong MovableBytesAtEnd { get; set; }
}
