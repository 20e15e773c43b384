using System.Numerics;

namespace Cma;

/// <summary>
/// A region of address space as an allocator sees it: its name, absolute start address, size and granule.
/// <c>[Start, Start + Size)</c> never wraps past 2^64.
/// </summary>
public readonly record struct CmaRegion
{
    /// <summary>Creates a region description, checking its invariants.</summary>
    /// <param name="name">The region's name from the configuration.</param>
    /// <param name="start">Absolute start address; a multiple of <paramref name="granule"/>.</param>
    /// <param name="size">Size in bytes; positive, a multiple of <paramref name="granule"/>.</param>
    /// <param name="granule">Smallest unit of allocation in bytes; a power of two.</param>
    /// <exception cref="ArgumentException">A value breaks one of the rules above.</exception>
    public CmaRegion(string name, ulong start, ulong size, ulong granule)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!BitOperations.IsPow2(granule))
            throw new ArgumentException($"The granule of region '{name}' must be a power of two; {granule} is not.", nameof(granule));
        if (size == 0 || size % granule != 0)
            throw new ArgumentException($"The size of region '{name}' must be a positive multiple of its granule ({granule}); {size} is not.", nameof(size));
        if (start % granule != 0)
            throw new ArgumentException($"The start of region '{name}' must be a multiple of its granule ({granule}); 0x{start:X} is not.", nameof(start));
        if (start > ulong.MaxValue - size)
            throw new ArgumentException($"Region '{name}' would run past the end of the 64-bit address space (start 0x{start:X}, size 0x{size:X}).", nameof(size));
        Name = name;
        Start = start;
        Size = size;
        Granule = granule;
    }

    /// <summary>The region's name from the configuration.</summary>
    public string Name { get; }

    /// <summary>Absolute address of the region's first byte.</summary>
    public ulong Start { get; }

    /// <summary>Size in bytes.</summary>
    public ulong Size { get; }

    /// <summary>Smallest unit of allocation in bytes (a power of two; 4096 by default).</summary>
    public ulong Granule { get; }

    /// <summary>One past the region's last byte: <c>Start + Size</c>.</summary>
    public ulong End => Start + Size;

    /// <summary>Whether <c>[address, address + size)</c> lies wholly inside the region.</summary>
    /// <param name="address">Start of the range.</param>
    /// <param name="size">Length of the range in bytes.</param>
    /// <returns><see langword="true"/> if the range is inside the region.</returns>
    public bool Contains(ulong address, ulong size) =>
        address >= Start && size <= Size && address - Start <= Size - size;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [0x{Start:X}, 0x{End:X}) granule {Granule}";
}
