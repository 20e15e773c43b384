namespace Cma.Host.Tests.Workloads;

/// <summary>First fit over a sorted list of live ranges; O(n) per call, fine for test-sized workloads.</summary>
internal sealed class FirstFitAllocator(CmaRegion region) : ICmaAllocator
{
    /// <summary>Live ranges sorted by start, disjoint.</summary>
    private readonly List<(ulong Start, ulong Size)> _live = [];

    /// <summary>Bytes not covered by live ranges.</summary>
    private ulong _free = region.Size;

    public CmaAllocatorTraits Traits => CmaAllocatorTraits.Exact(region.Granule);

    public CmaAllocatorStats Stats
    {
        get
        {
            ulong largest = 0, blocks = 0, cursor = region.Start;
            foreach ((ulong start, ulong size) in _live)
            {
                if (start > cursor)
                {
                    largest = Math.Max(largest, start - cursor);
                    blocks++;
                }
                cursor = start + size;
            }
            if (region.End > cursor)
            {
                largest = Math.Max(largest, region.End - cursor);
                blocks++;
            }
            return new CmaAllocatorStats(_free, largest, blocks);
        }
    }

    public bool TryAllocate(ulong size, ulong alignment, out ulong address)
    {
        ulong cursor = region.Start;
        for (int i = 0; i <= _live.Count; i++)
        {
            ulong holeEnd = i < _live.Count ? _live[i].Start : region.End;
            ulong at = (cursor + alignment - 1) & ~(alignment - 1);
            if (at >= cursor && at <= holeEnd && holeEnd - at >= size)
            {
                _live.Insert(i, (at, size));
                _free -= size;
                address = at;
                return true;
            }
            if (i < _live.Count)
                cursor = _live[i].Start + _live[i].Size;
        }
        address = 0;
        return false;
    }

    public void Free(ulong address, ulong size)
    {
        int i = _live.FindIndex(r => r.Start == address);
        _live.RemoveAt(i);
        _free += size;
    }

    public void Dispose()
    {
    }
}
