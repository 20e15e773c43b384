using System.Globalization;

namespace Cma.Conformance;

/// <summary>One call a session made on the allocator, kept so that a failure can show what led to it.</summary>
/// <param name="IsFree">Whether it was <see cref="ICmaAllocator.Free"/> (otherwise <see cref="ICmaAllocator.TryAllocate"/>).</param>
/// <param name="Size">The size passed.</param>
/// <param name="Alignment">The alignment passed (0 for a free).</param>
/// <param name="Address">The address returned or freed.</param>
/// <param name="Succeeded">What TryAllocate (or TryReserve) returned (true for a free).</param>
/// <param name="IsReserve">Whether it was <see cref="ICmaExactPlacement.TryReserve"/> of <c>[Address, Address + Size)</c>.</param>
internal readonly record struct LoggedOperation(bool IsFree, ulong Size, ulong Alignment, ulong Address, bool Succeeded, bool IsReserve = false)
{
    /// <summary>The call as C#-like text, e.g. <c>TryAllocate(64K, 1M) → 0x40100000</c>.</summary>
    public override string ToString() => IsFree
        ? string.Create(CultureInfo.InvariantCulture, $"Free(0x{Address:X}, {ByteText.Size(Size)})")
        : IsReserve
        ? string.Create(CultureInfo.InvariantCulture, $"TryReserve(0x{Address:X}, {ByteText.Size(Size)}) → {(Succeeded ? "true" : "false")}")
        : Succeeded
            ? string.Create(CultureInfo.InvariantCulture, $"TryAllocate({ByteText.Size(Size)}, {ByteText.Size(Alignment)}) → 0x{Address:X}")
            : $"TryAllocate({ByteText.Size(Size)}, {ByteText.Size(Alignment)}) → false";
}
