namespace Cma;

/// <summary>How an allocator rounds a request before it reserves space for it.</summary>
public enum CmaRounding
{
    /// <summary>Up to a multiple of <see cref="CmaAllocatorTraits.Unit"/> (the granule for an exact allocator,
    /// a bitmap bit's worth of granules for a bitmap).</summary>
    Multiple = 0,

    /// <summary>Up to <see cref="CmaAllocatorTraits.Unit"/> times a power of two (a buddy allocator's blocks).</summary>
    PowerOfTwo = 1,
}
