namespace Cma.TestPlugins.Shared;

/// <summary>
/// First fit over one flag per granule (O(region granules) per call: for test plugins and small regions only), with
/// exact placement. Honest as it stands; a test plugin derives from it to misbehave in one chosen way (linked as source
/// into each test plugin that needs it, so every plugin stays one assembly of its own).
/// </summary>
internal abstract class GranuleFlagAllocator(CmaRegion region) : ICmaAllocator, ICmaExactPlacement
{
    /// <summary>The largest region: 64 MiB (a flag per granule).</summary>
    public const ulong MaxRegionSize = 64UL << 20;

    /// <summary>Whether each granule of the region is allocated.</summary>
    private readonly bool[] _used = new bool[region.Size / region.Granule];

    /// <summary>Granules not allocated.</summary>
    private ulong _freeGranules = region.Size / region.Granule;

    /// <summary>The region this instance manages.</summary>
    protected CmaRegion Region { get; } = region;

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
            return new CmaAllocatorStats(_freeGranules * Region.Granule, largest * Region.Granule, blocks);
        }
    }

    /// <inheritdoc/>
    public bool TryAllocate(ulong size, ulong alignment, out ulong address)
    {
        ulong granules = size / Region.Granule;
        for (ulong at = (Region.Start + alignment - 1) & ~(alignment - 1); at >= Region.Start && Region.Contains(at, size); at += alignment)
        {
            if (AllFree(at, size))
            {
                Mark(at, granules, used: true);
                address = at;
                return true;
            }
        }
        address = 0;
        return false;
    }

    /// <inheritdoc/>
    public virtual bool TryReserve(ulong address, ulong size)
    {
        if (!AllFree(address, size))
            return false;
        Mark(address, size / Region.Granule, used: true);
        return true;
    }

    /// <inheritdoc/>
    public void Free(ulong address, ulong size) => Mark(address, size / Region.Granule, used: false);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>Whether [address, address + size) is all free.</summary>
    protected bool AllFree(ulong address, ulong size)
    {
        ulong first = (address - Region.Start) / Region.Granule;
        for (ulong i = first; i < first + size / Region.Granule; i++)
        {
            if (_used[i])
                return false;
        }
        return true;
    }

    /// <summary>Marks <paramref name="count"/> granules from <paramref name="address"/> allocated or free, keeping the free count.</summary>
    private void Mark(ulong address, ulong count, bool used)
    {
        ulong first = (address - Region.Start) / Region.Granule;
        for (ulong i = first; i < first + count; i++)
            _used[i] = used;
        _freeGranules = used ? _freeGranules - count : _freeGranules + count;
    }
}
