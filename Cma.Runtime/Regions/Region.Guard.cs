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

    /// <summary>Reads the plugin's stats (entering the plugin) and checks them; see <see cref="VerifyStats"/>.</summary>
    private bool CheckStats(string afterFormat, ulong address, ulong size, ulong alignment)
    {
        CmaAllocatorStats stats;
        Exception? fault;
        StrongBox<Region?> inside = InsideBox();
        Region? outer = inside.Value;
        inside.Value = this;
        try
        {
            stats = ReadStats(Allocator!, out fault);
        }
        finally
        {
            inside.Value = outer;
        }
        return VerifyStats(stats, fault, afterFormat, address, size, alignment);
    }

    /// <summary>The plugin's stats, or default with <paramref name="fault"/> set when reading them threw. The caller has
    /// entered the plugin (this thread's <see cref="t_insidePlugin"/> box holds this region).</summary>
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

    /// <summary>The hot path of <see cref="VerifyStats"/>: true (and <see cref="LastStats"/> updated) when reading the stats
    /// did not throw, free bytes equal the region size minus what the live chunks reserve, and the largest block fits in
    /// them; false otherwise, and the caller then calls <see cref="VerifyStats"/>, which fences with the reason.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool StatsHold(in CmaAllocatorStats stats, Exception? fault)
    {
        if (fault is not null || stats.FreeBytes != Info.Size - _reserved || stats.LargestFreeBlock > stats.FreeBytes)
            return false;
        LastStats = stats;
        return true;
    }

    /// <summary>Checks stats read just after an operation: free bytes must equal the region size minus what the live chunks
    /// reserve; fences on a mismatch or when reading them threw (<paramref name="fault"/>). Returns whether the region is
    /// still active. <paramref name="afterFormat"/> names the operation just done, with <paramref name="address"/>,
    /// <paramref name="size"/> and <paramref name="alignment"/> as {0}, {1}, {2}: it is formatted only when the check
    /// fails, so the hot path allocates nothing.</summary>
    private bool VerifyStats(in CmaAllocatorStats stats, Exception? fault, string afterFormat, ulong address, ulong size, ulong alignment)
    {
        if (fault is not null)
        {
            Fence($"Stats threw {fault.GetType().Name}: {fault.Message} after {After()}");
            return false;
        }
        ulong expected = Info.Size - _reserved;
        if (stats.FreeBytes != expected || stats.LargestFreeBlock > stats.FreeBytes)
        {
            Fence($"after {After()} the plugin reports {stats.FreeBytes} free bytes (largest block {stats.LargestFreeBlock}), "
                + $"but its {Chunks.Count} live chunk(s) reserve {_reserved}, so {expected} should be free");
            return false;
        }
        LastStats = stats;
        return true;

        string After() => string.Format(System.Globalization.CultureInfo.InvariantCulture, afterFormat, address, size, alignment);
    }

    private T EnterPlugin<T>(Func<T> call)
    {
        StrongBox<Region?> inside = InsideBox();
        Region? outer = inside.Value;
        inside.Value = this;
        try
        {
            return call();
        }
        finally
        {
            inside.Value = outer;
        }
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

    /// <summary>Fences after the plugin's Free threw.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FenceFreeThrew(ulong address, ulong size, Exception e) =>
        Fence($"Free(0x{address:X}, {size}) threw {e.GetType().Name}: {e.Message}");

    /// <summary>Fences the region: no more calls into its plugin until it is empty and reopened.</summary>
    private void Fence(string reason, bool countFault = true)
    {
        State = RegionState.Fenced;
        FenceReason = reason;
        _reentered = false;
        if (countFault)
        {
            FaultCount++;
            Faulted?.Invoke(this, reason);
            _logger.LogError("Region {Region} ({Allocator}) fenced: {Reason}.", Info.Name, AllocatorName, reason.TrimEnd('.'));
        }
    }

    /// <summary>Raised (under the lock) when a plugin fault fences the region; the metrics count it.</summary>
    public event Action<Region, string>? Faulted;
}
