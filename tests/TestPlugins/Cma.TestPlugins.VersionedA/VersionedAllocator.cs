namespace Cma.TestPlugins.Versioned;

/// <summary>
/// First fit over one flag per granule (O(region granules) per call: a test plugin, small regions only), with exact
/// placement, so that a region holding chunks can hot-swap to it. <see cref="Build"/> says which build it is.
/// </summary>
public sealed class VersionedAllocator(CmaRegion region) : ICmaAllocator, ICmaExactPlacement
{
    /// <summary>The largest region: 64 MiB (a flag per granule).</summary>
    public const ulong MaxRegionSize = 64UL << 20;

    /// <summary>Whether each granule of the region is allocated.</summary>
    private readonly bool[] _used = new bool[region.Size / region.Granule];

    /// <summary>Granules not allocated.</summary>
    private ulong _freeGranules = region.Size / region.Granule;

    /// <summary>The build this instance comes from: "A" or "B".</summary>
    public string Build => VersionedProvider.Build;

    /// <inheritdoc/>
    public CmaAllocatorTraits Traits { get; } = CmaAllocatorTraits.Exact(region.Granule, MaxRegionSize);

    /// <inheritdoc/>
    public CmaAllocatorStats Stats
    {
        get
        {
            ulong largest = 0, blocks = 0, run = 0;
            foreach (bool used in _used)
            {
                run = used ? 0 : run + 1;
                blocks += run == 1 ? 1UL : 0;
                largest = Math.Max(largest, run);
            }
            return new CmaAllocatorStats(_freeGranules * region.Granule, largest * region.Granule, blocks);
        }
    }

    /// <inheritdoc/>
    public bool TryAllocate(ulong size, ulong alignment, out ulong address)
    {
        ulong granules = size / region.Granule;
        for (ulong at = (region.Start + alignment - 1) & ~(alignment - 1); at >= region.Start && region.Contains(at, size); at += alignment)
        {
            if (AllFree(Index(at), granules))
            {
                Mark(Index(at), granules, used: true);
                address = at;
                return true;
            }
        }
        address = 0;
        return false;
    }

    /// <summary>Whether every exact placement is refused (see the provider's <c>RefuseReserveInB</c>).</summary>
    public bool RefuseReserve { get; init; }

    /// <inheritdoc/>
    public bool TryReserve(ulong address, ulong size)
    {
        if (RefuseReserve)
            return false;
        ulong granules = size / region.Granule;
        if (!AllFree(Index(address), granules))
            return false;
        Mark(Index(address), granules, used: true);
        return true;
    }

    /// <inheritdoc/>
    public void Free(ulong address, ulong size) => Mark(Index(address), size / region.Granule, used: false);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>The granule index of an address in the region.</summary>
    private ulong Index(ulong address) => (address - region.Start) / region.Granule;

    /// <summary>Whether granules [first, first + count) are all free.</summary>
    private bool AllFree(ulong first, ulong count)
    {
        for (ulong i = first; i < first + count; i++)
        {
            if (_used[i])
                return false;
        }
        return true;
    }

    /// <summary>Marks granules [first, first + count) allocated or free and keeps the free count.</summary>
    private void Mark(ulong first, ulong count, bool used)
    {
        for (ulong i = first; i < first + count; i++)
            _used[i] = used;
        _freeGranules = used ? _freeGranules - count : _freeGranules + count;
    }
}
