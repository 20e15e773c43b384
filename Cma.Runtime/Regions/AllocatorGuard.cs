using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cma.Runtime.Regions;

/// <summary>
/// One allocator instance of a region and what the host checks about it: the live chunks it placed (the region's
/// <see cref="ChunkIndex"/>), the bytes they reserve per the instance's <see cref="CmaAllocatorTraits"/>, and the checks
/// of its results and stats. It holds no lock and calls no plugin: the region holds its lock, makes the plugin calls
/// (inside a <see cref="PluginCallScope"/>) and fences on a fault. A new allocator instance (reopening a fenced region,
/// or later a live swap under the region's lock) gets a new guard over the same chunk index, whose reserved bytes it
/// recounts per its own traits.
/// Concurrency: used under the region's lock.
/// </summary>
internal sealed class AllocatorGuard
{
    /// <summary>The region's name, range and granule.</summary>
    private readonly CmaRegion _region;

    /// <summary>Sum of <see cref="Reserved"/> over the live chunks in <see cref="Chunks"/>.</summary>
    private ulong _reserved;

    /// <summary>Granule - 1: a size or address is a multiple of the granule when it has none of these bits.</summary>
    private readonly ulong _granuleMask;

    /// <summary>log2 of the granule (a power of two): free bytes shifted right by it are the free granules.</summary>
    private readonly int _granuleShift;

    /// <summary>Whether the traits promise one free block covering the region when nothing is allocated, on a region their
    /// unit tiles (the stats check holds them to it).</summary>
    private readonly bool _emptyIsOneBlock;

    /// <summary>The guard of <paramref name="allocator"/> (whose traits, read inside a plugin call, are
    /// <paramref name="traits"/>) over <paramref name="chunks"/>, the region's live chunks.</summary>
    public AllocatorGuard(CmaRegion region, ICmaAllocator allocator, CmaAllocatorTraits traits, ChunkIndex chunks)
    {
        _region = region;
        Allocator = allocator;
        Traits = traits;
        Chunks = chunks;
        _granuleMask = region.Granule - 1;
        _granuleShift = BitOperations.TrailingZeroCount(region.Granule);
        _emptyIsOneBlock = traits.FreeAllLeavesOneBlock && traits.Unit != 0 && region.Size % traits.Unit == 0;
        if (chunks.Count != 0)
            chunks.ForEach((_, entry) => _reserved += Reserved(entry.Size));
    }

    /// <summary>The allocator instance.</summary>
    public ICmaAllocator Allocator { get; }

    /// <summary>Its traits, read once when it was created.</summary>
    public CmaAllocatorTraits Traits { get; }

    /// <summary>The region's live chunks.</summary>
    public ChunkIndex Chunks { get; }

    /// <summary>Bytes the live chunks reserve, per <see cref="Traits"/>.</summary>
    public ulong ReservedBytes => _reserved;

    /// <summary>Records a chunk the allocator placed, unless it overlaps a live one (false, nothing changed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRecord(ulong start, in ChunkEntry entry)
    {
        if (!Chunks.TryInsert(start, entry))
            return false;
        _reserved += Reserved(entry.Size);
        return true;
    }

    /// <summary>Removes the live chunk that starts at <paramref name="start"/> (false, nothing changed, when none does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryForget(ulong start, out ChunkEntry entry)
    {
        if (!Chunks.Remove(start, out entry))
            return false;
        _reserved -= Reserved(entry.Size);
        return true;
    }

    /// <summary>What a chunk of <paramref name="size"/> bytes reserves in the allocator: the contract's
    /// <see cref="CmaAllocatorTraits.ReservedBytes"/> (shifts, no division, for a power-of-two unit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Reserved(ulong size) => Traits.ReservedBytes(size);

    /// <summary>Why a returned range is unacceptable, or null when it is inside and aligned (<see cref="TryRecord"/> then
    /// checks that it is free: one search for both).</summary>
    public string? RangeFault(ulong at, ulong size, ulong alignment)
    {
        if (!_region.Contains(at, size))
            return $"is outside region '{_region.Name}' [0x{_region.Start:X}, 0x{_region.End:X})";
        if ((at & (alignment - 1)) != 0)
            return $"is not aligned to {alignment}";
        return null;
    }

    /// <summary>The hot path of the stats check: true when reading them did not throw and they pass every check that costs
    /// a few comparisons (<see cref="StatsFault"/> says what each means and finds the one that failed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool StatsHold(in CmaAllocatorStats stats, Exception? fault)
    {
        ulong free = stats.FreeBytes, largest = stats.LargestFreeBlock, blocks = stats.FreeBlockCount, size = _region.Size;
        // Non-short-circuit: one branch for the checks that always apply.
        bool lie = (free != size - _reserved)
            | (largest > free)
            | ((largest & _granuleMask) != 0)
            | (blocks > free >> _granuleShift)
            | ((free != 0) & ((largest == 0) | (blocks == 0)));
        return fault is null && !lie && !(_reserved == 0 && _emptyIsOneBlock && (blocks != 1 || largest != size));
    }

    /// <summary>What is wrong with stats read just after an operation, or null when nothing the host can check cheaply is.
    /// Exactly the checks of <see cref="StatsHold"/>; each follows from the contract's definitions:
    /// free bytes are the region size minus what the live chunks reserve per the traits; the largest free block is a
    /// request size (a multiple of the granule) that succeeds, so it fits in the free bytes, and is positive whenever
    /// anything is free (a free granule is a one-granule request); every free block holds at least a granule, so there are
    /// some exactly when bytes are free and never more than free granules; with nothing allocated, traits that promise one
    /// free block (on a region the unit tiles) mean one block the size of the region.</summary>
    public string? StatsFault(in CmaAllocatorStats stats, Exception? fault)
    {
        if (fault is not null)
            return $"Stats threw {fault.GetType().Name}: {fault.Message}";
        ulong free = stats.FreeBytes, largest = stats.LargestFreeBlock, blocks = stats.FreeBlockCount, granule = _region.Granule;
        ulong expected = _region.Size - _reserved;
        if (free != expected)
        {
            return $"the plugin reports {free} free bytes (largest block {largest}), "
                + $"but its {Chunks.Count} live chunk(s) reserve {_reserved}, so {expected} should be free";
        }
        if (largest > free)
            return $"the plugin reports a largest free block of {largest} bytes, more than its {free} free bytes";
        if ((largest & _granuleMask) != 0)
            return $"the plugin reports a largest free block of {largest} bytes, which is not a multiple of the granule ({granule})";
        if (free != 0 && largest == 0)
            return $"the plugin reports {free} free bytes but a largest free block of 0, yet a request of one granule fits in any free granule";
        if (free != 0 && blocks == 0)
            return $"the plugin reports {free} free bytes in 0 free blocks";
        if (blocks > free >> _granuleShift)
            return $"the plugin reports {blocks} free block(s), more than its {free} free bytes can make (a block holds at least one granule, {granule} bytes)";
        if (_reserved == 0 && _emptyIsOneBlock && (blocks != 1 || largest != _region.Size))
        {
            return $"with no live chunk the plugin reports {blocks} free block(s), the largest {largest} bytes, "
                + $"but its traits say that freeing everything leaves one block of {_region.Size} bytes";
        }
        return null;
    }

    /// <summary>The fence reason for stats that failed <see cref="StatsHold"/> after the operation that
    /// <paramref name="afterFormat"/> names, with <paramref name="address"/>, <paramref name="size"/> and
    /// <paramref name="alignment"/> as {0}, {1}, {2}: formatted only on this cold path, so the hot path allocates nothing.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public string StatsFaultAfter(in CmaAllocatorStats stats, Exception? fault, string afterFormat, ulong address, ulong size, ulong alignment)
    {
        string? what = StatsFault(stats, fault);
        Debug.Assert(what is not null, "StatsHold and StatsFault agree");
        string after = string.Format(System.Globalization.CultureInfo.InvariantCulture, afterFormat, address, size, alignment);
        return fault is not null ? $"{what} after {after}" : $"after {after} {what ?? "the stats failed a check"}";
    }
}
