namespace Cma.Plugins.Tests.Tlsf;

/// <summary>A region done the slow way — one flag per granule — and the live chunks of a run that drives the TLSF plugin
/// and this model side by side. TLSF's placement depends on its list order, so the model does not predict addresses; it
/// checks every placement (inside, aligned, disjoint), knows whether a refused request could have been placed, and
/// computes the exact stats of a fully coalescing allocator: free bytes, the longest free run, the number of runs.</summary>
internal sealed class TlsfModel(ulong start, int granules, ulong granule)
{
    /// <summary>Per granule of the region, whether a live chunk covers it.</summary>
    private readonly bool[] _used = new bool[granules];

    /// <summary>The chunks both the plugin and the model hold.</summary>
    public List<(ulong Address, ulong Size)> Live { get; } = [];

    /// <summary>The stats the plugin must report: every maximal free run is one free block.</summary>
    public CmaAllocatorStats ExpectedStats
    {
        get
        {
            ulong free = 0, longest = 0, runs = 0;
            for (int i = 0; i < _used.Length;)
            {
                int length = FreeRunAt(i);
                if (length > 0)
                {
                    free += (ulong)length;
                    longest = Math.Max(longest, (ulong)length);
                    runs++;
                }
                i += Math.Max(length, 1);
            }
            return new CmaAllocatorStats(free * granule, longest * granule, runs);
        }
    }

    /// <summary>Asks the plugin for <paramref name="size"/> bytes at <paramref name="alignment"/>: a placed chunk must be
    /// inside the region, aligned and disjoint from the live ones; a refused request must be one no free run holds.</summary>
    public void Allocate(ICmaAllocator tlsf, ulong size, ulong alignment)
    {
        bool placed = tlsf.TryAllocate(size, alignment, out ulong address);

        if (!placed)
        {
            Assert.False(CanPlace(size, alignment), $"TryAllocate({size / granule} granules, alignment {alignment / granule}) was refused, but a free range holds it");
            return;
        }
        Assert.True(address >= start && (address - start) / granule + size / granule <= (ulong)_used.Length, $"0x{address:X} (+{size / granule} granules) is outside the region");
        Assert.Equal(0UL, address % alignment);
        int first = (int)((address - start) / granule);
        for (int i = first; i < first + (int)(size / granule); i++)
        {
            Assert.False(_used[i], $"0x{address:X} (+{size / granule} granules) overlaps a live chunk at granule {i}");
            _used[i] = true;
        }
        Live.Add((address, size));
    }

    /// <summary>Frees the live chunk at <paramref name="index"/> in the plugin and in the model.</summary>
    public void Free(ICmaAllocator tlsf, int index)
    {
        (ulong address, ulong size) = Live[index];
        Live[index] = Live[^1];
        Live.RemoveAt(Live.Count - 1);
        tlsf.Free(address, size);
        Array.Fill(_used, false, (int)((address - start) / granule), (int)(size / granule));
    }

    /// <summary>Whether some free run holds <paramref name="size"/> bytes at a multiple of <paramref name="alignment"/>.</summary>
    private bool CanPlace(ulong size, ulong alignment)
    {
        ulong count = size / granule;
        for (int i = 0; i < _used.Length;)
        {
            int length = FreeRunAt(i);
            ulong runStart = start + (ulong)i * granule;
            ulong padding = (alignment - runStart % alignment) % alignment / granule;
            if (length > 0 && padding < (ulong)length && (ulong)length - padding >= count)
                return true;
            i += Math.Max(length, 1);
        }
        return false;
    }

    /// <summary>The length of the free run starting at granule <paramref name="i"/> (0 if it is used).</summary>
    private int FreeRunAt(int i)
    {
        int j = i;
        while (j < _used.Length && !_used[j])
            j++;
        return j - i;
    }
}
