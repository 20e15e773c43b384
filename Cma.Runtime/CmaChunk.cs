namespace Cma.Runtime;

/// <summary>A live chunk as the host API hands it out.</summary>
/// <param name="Address">The chunk's first byte (absolute address).</param>
/// <param name="Size">Its size: the requested size rounded up to the region's granule (in a region with <c>GuardBytes</c>,
/// the requested size plus the guard bytes, rounded up: the guard zone starts right after the requested size).</param>
/// <param name="Region">The name of the region it lies in.</param>
public readonly record struct CmaChunk(ulong Address, ulong Size, string Region)
{
    /// <inheritdoc/>
    public override string ToString() => $"0x{Address:X}+{CmaSize.Format(Size)} in {Region}";
}
