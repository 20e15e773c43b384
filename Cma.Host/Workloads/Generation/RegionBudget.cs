namespace Cma.Host.Workloads.Generation;

/// <summary>
/// The <c>reusable</c> profile's guarantee, kept by construction: live contiguous bytes plus live movable bytes, each
/// chunk rounded up to 4K, never exceed the region. Every actor of the profile asks <see cref="Fits"/> before it
/// allocates and reports what it allocates and frees, so a reusable region that migrates or drops movable chunks can
/// satisfy every contiguous request of the trace.
/// </summary>
internal sealed class RegionBudget(ulong regionSize)
{
    /// <summary>The granule every chunk is counted in.</summary>
    public const ulong Granule = 4096;

    /// <summary>The region's size in bytes.</summary>
    public ulong RegionSize => regionSize;

    /// <summary>Live contiguous bytes (rounded to <see cref="Granule"/>).</summary>
    public ulong Contiguous { get; private set; }

    /// <summary>Live movable and discardable bytes (rounded to <see cref="Granule"/>).</summary>
    public ulong Movable { get; private set; }

    /// <summary><paramref name="size"/> rounded up to <see cref="Granule"/>.</summary>
    public static ulong Round(ulong size) => (size + Granule - 1) / Granule * Granule;

    /// <summary>Whether a chunk of <paramref name="size"/> bytes can be live besides everything live now.</summary>
    public bool Fits(ulong size) => Contiguous + Movable <= regionSize && Round(size) <= regionSize - Contiguous - Movable;

    /// <summary>Counts a chunk allocated (the caller checked <see cref="Fits"/>).</summary>
    public void Allocated(ulong size, bool movable)
    {
        if (movable)
            Movable += Round(size);
        else
            Contiguous += Round(size);
    }

    /// <summary>Counts a chunk freed.</summary>
    public void Freed(ulong size, bool movable)
    {
        if (movable)
            Movable -= Round(size);
        else
            Contiguous -= Round(size);
    }
}
