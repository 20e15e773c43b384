using CsCheck;

namespace Cma.Conformance;

/// <summary>
/// One generated step of a random sequence, in a form that shrinks well: small numbers mean small requests and
/// low alignments, and a free names "the live allocation at this index modulo the live count", so that removing
/// steps while shrinking never makes a sequence invalid.
/// </summary>
/// <param name="Kind">0–9: below <see cref="AllocatePercentTens"/> an allocation, otherwise a free.</param>
/// <param name="SizeOrder">0–8: the request is 1 to 2^SizeOrder granules.</param>
/// <param name="SizeBits">Chooses the size within the order: <c>1 + SizeBits mod 2^SizeOrder</c> granules.</param>
/// <param name="AlignmentOrder">0–12: 0–8 ask for the granule times 2^AlignmentOrder, above that the granule.</param>
/// <param name="Pick">Which live allocation a free takes (modulo the live count).</param>
internal readonly record struct RandomOperation(int Kind, int SizeOrder, int SizeBits, int AlignmentOrder, int Pick)
{
    /// <summary>Kinds below this (out of 10) allocate; the rest free: six allocations to four frees.</summary>
    public const int AllocatePercentTens = 6;

    /// <summary>The generator of one step.</summary>
    public static Gen<RandomOperation> Generator { get; } = Gen.Select(
        Gen.Int[0, 9], Gen.Int[0, 8], Gen.Int[0, 255], Gen.Int[0, 12], Gen.Int[0, 65535],
        (kind, sizeOrder, sizeBits, alignmentOrder, pick) => new RandomOperation(kind, sizeOrder, sizeBits, alignmentOrder, pick));

    /// <summary>Whether the step allocates.</summary>
    public bool IsAllocation => Kind < AllocatePercentTens;

    /// <summary>The requested size for a region of granule <paramref name="granule"/>.</summary>
    public ulong Size(ulong granule) => (1 + ((ulong)SizeBits & ((1UL << SizeOrder) - 1))) * granule;

    /// <summary>The requested alignment for a region of granule <paramref name="granule"/>.</summary>
    public ulong Alignment(ulong granule) => AlignmentOrder <= 8 ? granule << AlignmentOrder : granule;
}
