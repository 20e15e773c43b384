using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime.Regions;

/// <summary>The guard: checks of every plugin result and of the plugin's stats, and fencing.</summary>
internal sealed partial class Region
{
    /// <summary><see cref="CmaAllocatorTraits.ReservedBytes"/> of <paramref name="size"/> (a positive multiple of the
    /// granule), with shifts when the unit is a power of two: the same result without two 64-bit divisions per call.
    /// E.g. unit 4K (shift 12), power-of-two rounding, 12K → 3 units → 4 units → 16K.</summary>
    private ulong Reserved(ulong size)
    {
        int shift = _unitShift;
        if (shift < 0 || size == 0)
            return Traits.ReservedBytes(size);
        ulong units = ((size - 1) >> shift) + 1;
        if (Traits.Rounding == CmaRounding.PowerOfTwo)
        {
            if (units > 1UL << 63)
                return ulong.MaxValue;
            units = System.Numerics.BitOperations.RoundUpToPowerOf2(units);
        }
        return units > ulong.MaxValue >> shift ? ulong.MaxValue : units << shift;
    }

    /// <summary>Why a returned range is unacceptable, or null when it is inside and aligned (the caller then checks that it
    /// is free with <see cref="ChunkIndex.TryInsert"/>).</summary>
    private string? RangeFault(ulong at, ulong size, ulong alignment)
    {
        if (!Info.Contains(at, size))
            return $"is outside region '{Info.Name}' [0x{Info.Start:X}, 0x{Info.End:X})";
        if ((at & (alignment - 1)) != 0)
            return $"is not aligned to {alignment}";
        return null; // overlap with a live chunk is checked by the registry insert (one search for both)
    }

    /// <summary>Reads the plugin's stats inside a plugin-call window (a call back into the host from inside is refused and
    /// marks the region); <paramref name="fault"/> is set when reading them threw.</summary>
    private CmaAllocatorStats ReadStatsInPlugin(out Exception? fault)
    {
        using PluginCallScope call = PluginCallScope.Enter(this);
        return ReadStats(Allocator!, out fault);
    }

    /// <summary>The plugin's stats, or default with <paramref name="fault"/> set when reading them threw. The caller has
    /// entered the plugin (<see cref="PluginCallScope"/>).</summary>
    private static CmaAllocatorStats ReadStats(ICmaAllocator allocator, out Exception? fault)
    {
        fault = null;
        try
        {
            return allocator.Stats;
        }
        catch (Exception e)
        {
            fault = e;
            return default;
        }
    }

    /// <summary>The hot path of the stats check: true, and the stats published for monitoring, when reading them did not
    /// throw and they pass every check that costs a few comparisons (<see cref="StatsFault"/> says what each means and
    /// finds the one that failed); false otherwise, and the caller fences with <see cref="StatsFaultAfter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool StatsHold(in CmaAllocatorStats stats, Exception? fault)
    {
        ulong free = stats.FreeBytes, largest = stats.LargestFreeBlock, blocks = stats.FreeBlockCount;
        // Non-short-circuit: one branch for the checks that always apply.
        bool lie = (free != Info.Size - _reserved)
            | (largest > free)
            | ((largest & _granuleMask) != 0)
            | (blocks > free >> _granuleShift)
            | ((free != 0) & ((largest == 0) | (blocks == 0)));
        if (fault is not null || lie || (_reserved == 0 && _emptyIsOneBlock && (blocks != 1 || largest != Info.Size)))
            return false;
        PublishStats(stats);
        return true;
    }

    /// <summary>What is wrong with stats read just after an operation, or null when nothing the host can check cheaply is.
    /// Exactly the checks of <see cref="StatsHold"/>; each follows from the contract's definitions:
    /// free bytes are the region size minus what the live chunks reserve per the traits; the largest free block is a
    /// request size (a multiple of the granule) that succeeds, so it fits in the free bytes, and is positive whenever
    /// anything is free (a free granule is a one-granule request); every free block holds at least a granule, so there are
    /// some exactly when bytes are free and never more than free granules; with nothing allocated, traits that promise one
    /// free block (on a region the unit tiles) mean one block the size of the region.</summary>
    private string? StatsFault(in CmaAllocatorStats stats, Exception? fault)
    {
        if (fault is not null)
            return $"Stats threw {fault.GetType().Name}: {fault.Message}";
        ulong free = stats.FreeBytes, largest = stats.LargestFreeBlock, blocks = stats.FreeBlockCount, granule = Info.Granule;
        ulong expected = Info.Size - _reserved;
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
        if (_reserved == 0 && _emptyIsOneBlock && (blocks != 1 || largest != Info.Size))
        {
            return $"with no live chunk the plugin reports {blocks} free block(s), the largest {largest} bytes, "
                + $"but its traits say that freeing everything leaves one block of {Info.Size} bytes";
        }
        return null;
    }

    /// <summary>The fence reason for stats that failed <see cref="StatsHold"/> after the operation that
    /// <paramref name="afterFormat"/> names, with <paramref name="address"/>, <paramref name="size"/> and
    /// <paramref name="alignment"/> as {0}, {1}, {2}: formatted only on this cold path, so the hot path allocates nothing.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private string StatsFaultAfter(in CmaAllocatorStats stats, Exception? fault, string afterFormat, ulong address, ulong size, ulong alignment)
    {
        string? what = StatsFault(stats, fault);
        Debug.Assert(what is not null, "StatsHold and StatsFault agree");
        string after = string.Format(System.Globalization.CultureInfo.InvariantCulture, afterFormat, address, size, alignment);
        return fault is not null ? $"{what} after {after}" : $"after {after} {what ?? "the stats failed a check"}";
    }

    // The fence messages are built out of line: their string handlers would otherwise sit in (and be zeroed with) the
    // frames of TryAllocate and TryFree on every call.

    /// <summary>Fences after the plugin's TryAllocate threw.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FenceAllocateThrew(ulong size, ulong alignment, Exception e) =>
        Fence($"TryAllocate({size}, {alignment}) threw {e.GetType().Name}: {e.Message}");

    /// <summary>Fences after the plugin's TryAllocate returned <paramref name="at"/>, which <paramref name="fault"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FenceAllocateResult(ulong size, ulong alignment, ulong at, string fault) =>
        Fence($"TryAllocate({size}, {alignment}) returned 0x{at:X}, which {fault}; the range was not handed out");

    /// <summary>Fences after the plugin placed a request larger than the largest free block its stats reported before the
    /// call: the range may be fine, but the stats were not.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FenceUnderstatedLargest(ulong size, ulong alignment, ulong at) =>
        Fence($"TryAllocate({size}, {alignment}) returned 0x{at:X}, but the plugin's stats before the call reported a largest free "
            + $"block of {_largestFreeBlock} bytes, less than it placed; the range was not handed out");

    /// <summary>Fences after a failed TryAllocate whose stats failed a check, or which asked at the granule's alignment for
    /// at most the largest free block the stats claim (which would have succeeded if the stats were true).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FenceFailedAllocate(ulong size, ulong alignment, in CmaAllocatorStats stats, Exception? fault) =>
        Fence(StatsFault(stats, fault) is null
            ? $"TryAllocate({size}, {alignment}) failed, but the plugin reports a largest free block of {stats.LargestFreeBlock} bytes, "
                + "and a request of at most that size at the granule's alignment must succeed"
            : StatsFaultAfter(stats, fault, "a failed TryAllocate({1}, {2})", 0, size, alignment));

    /// <summary>Fences after the plugin's Free threw.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FenceFreeThrew(ulong address, ulong size, Exception e) =>
        Fence($"Free(0x{address:X}, {size}) threw {e.GetType().Name}: {e.Message}");

    /// <summary>Fences the region: no more calls into its plugin until it is empty and reopened. The state, reason, fault
    /// count and live chunk count are published together.</summary>
    private void Fence(string reason, bool countFault = true)
    {
        int version = BeginChange();
        _state = RegionState.Fenced;
        _fenceReason = reason;
        if (countFault)
            _faultCount++;
        EndChange(version);
        _reentered = false;
        if (countFault)
        {
            Faulted?.Invoke(this, reason);
            _logger.LogError("Region {Region} ({Allocator}) fenced: {Reason}.", Info.Name, AllocatorName, reason.TrimEnd('.'));
        }
    }

    /// <summary>Raised (under the lock) when a plugin fault fences the region; the metrics count it.</summary>
    public event Action<Region, string>? Faulted;
}
