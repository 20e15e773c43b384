namespace Cma.Runtime;

/// <summary>
/// A chunk whose guard bytes were changed when it was freed: something wrote past its end. Reported by the host
/// (an error log, the <c>cma.guard_overruns</c> counter and <see cref="ICmaService.GuardOverrun"/>) and thrown as a
/// <see cref="CmaGuardOverrunException"/> from <see cref="CmaBuffer.DisposeChecked"/> (never from
/// <see cref="CmaBuffer.Dispose"/>). The chunk is freed all the same.
/// </summary>
public sealed record CmaGuardOverrun
{
    /// <summary>The region the chunk lay in.</summary>
    public required string Region { get; init; }

    /// <summary>The chunk's first byte.</summary>
    public required ulong Address { get; init; }

    /// <summary>The size the caller asked for: the guard zone starts at <c>Address + Size</c>.</summary>
    public required ulong Size { get; init; }

    /// <summary>The device/type that allocated it (empty for allocations from named regions).</summary>
    public required string Owner { get; init; }

    /// <summary>Offset from <see cref="Address"/> of the first changed guard byte (at least <see cref="Size"/>).</summary>
    public required ulong FirstOverwrittenOffset { get; init; }

    /// <summary>How many guard bytes were changed.</summary>
    public required ulong OverwrittenBytes { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"guard overrun in region '{Region}': the chunk at 0x{Address:X} of {Size} bytes owned by '{(Owner.Length == 0 ? "(named region)" : Owner)}' "
        + $"was written past its end: {OverwrittenBytes} guard byte{(OverwrittenBytes == 1 ? "" : "s")} changed, the first at offset {FirstOverwrittenOffset} "
        + $"(byte {FirstOverwrittenOffset - Size + 1} past the end)";
}
