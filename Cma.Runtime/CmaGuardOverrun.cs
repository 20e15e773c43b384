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
        + $"was written past its end: {OverwrittenBytes} guard byte(s) changed, the first of them the {Ordinal(FirstOverwrittenOffset - Size + 1)} byte past the end (offset {FirstOverwrittenOffset})";

    /// <summary>1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st: the byte at <c>Address + Size</c> is the 1st past the end.</summary>
    private static string Ordinal(ulong n) => (n % 100) switch
    {
        11 or 12 or 13 => $"{n}th",
        _ => (n % 10) switch
        {
            1 => $"{n}st",
            2 => $"{n}nd",
            3 => $"{n}rd",
            _ => $"{n}th",
        },
    };
}
