namespace Cma.Runtime;

/// <summary>
/// A chunk whose guard bytes were changed when it was freed: something wrote past its end. Reported by the host
/// (an error log, the <c>cma.guard_overruns</c> counter and <see cref="CmaService.GuardOverrun"/>) and thrown as a
/// <see cref="CmaGuardOverrunException"/> from <see cref="CmaBuffer.DisposeChecked"/> (never from
/// <see cref="CmaBuffer.Dispose"/>). The chunk is freed all the same.
/// </summary>
/// <param name="Region">The region the chunk lay in.</param>
/// <param name="Address">The chunk's first byte.</param>
/// <param name="Size">The size the caller asked for: the guard zone starts at <c>Address + Size</c>.</param>
/// <param name="Owner">The device/type that allocated it (empty for allocations from named regions).</param>
/// <param name="FirstOverwrittenOffset">Offset from <see cref="Address"/> of the first changed guard byte (at least <see cref="Size"/>).</param>
/// <param name="OverwrittenBytes">How many guard bytes were changed.</param>
public sealed record CmaGuardOverrun(string Region, ulong Address, ulong Size, string Owner, ulong FirstOverwrittenOffset, ulong OverwrittenBytes)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"guard overrun in region '{Region}': the chunk at 0x{Address:X} of {Size} bytes owned by '{(Owner.Length == 0 ? "(named region)" : Owner)}' "
        + $"was written past its end: {OverwrittenBytes} guard byte{(OverwrittenBytes == 1 ? "" : "s")} changed, the first at offset {FirstOverwrittenOffset} "
        + $"(byte {FirstOverwrittenOffset - Size + 1} past the end)";
}
