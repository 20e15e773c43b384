using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime.Regions;

/// <summary>Reading and publishing the plugin's stats, and fencing: the fence reasons, built out of line.</summary>
internal sealed partial class Region
{
    /// <summary>Reads the plugin's stats inside a plugin-call window (a call back into the host from inside is refused and
    /// marks the region); <paramref name="fault"/> is set when reading them threw.</summary>
    private CmaAllocatorStats ReadStatsInPlugin(AllocatorGuard guard, out Exception? fault)
    {
        using PluginCallScope call = PluginCallScope.Enter(this);
        return ReadStats(guard.Allocator, out fault);
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

    /// <summary>The hot path of the stats check: true, and the stats published for monitoring, when they pass
    /// <see cref="AllocatorGuard.StatsHold"/>; false otherwise, and the caller fences with
    /// <see cref="AllocatorGuard.StatsFaultAfter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool StatsHold(AllocatorGuard guard, in CmaAllocatorStats stats, Exception? fault)
    {
        if (!guard.StatsHold(stats, fault))
            return false;
        PublishStats(stats);
        return true;
    }

    // The fence messages are built out of line: their string handlers would otherwise sit in (and be zeroed with) the
    // frames of TryAllocate and TryFree on every call.

    /// <summary>Fences after the plugin's TryAllocate threw.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private RegionAllocateResult FenceAllocateThrew(ulong size, ulong alignment, Exception e) =>
        Fence($"TryAllocate({size}, {alignment}) threw {e.GetType().Name}: {e.Message}");

    /// <summary>Fences after the plugin's TryAllocate returned <paramref name="at"/>, which <paramref name="fault"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private RegionAllocateResult FenceAllocateResult(ulong size, ulong alignment, ulong at, string fault) =>
        Fence($"TryAllocate({size}, {alignment}) returned 0x{at:X}, which {fault}; the range was not handed out");

    /// <summary>Fences after the plugin placed a request larger than the largest free block its stats reported before the
    /// call: the range may be fine, but the stats were not.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private RegionAllocateResult FenceUnderstatedLargest(ulong size, ulong alignment, ulong at) =>
        Fence($"TryAllocate({size}, {alignment}) returned 0x{at:X}, but the plugin's stats before the call reported a largest free "
            + $"block of {_largestFreeBlock} bytes, less than it placed; the range was not handed out");

    /// <summary>Fences after a failed TryAllocate whose stats failed a check, or which asked at the granule's alignment for
    /// at most the largest free block the stats claim (which would have succeeded if the stats were true).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private RegionAllocateResult FenceFailedAllocate(ulong size, ulong alignment, in CmaAllocatorStats stats, Exception? fault) =>
        Fence(_guard!.StatsFault(stats, fault) is null
            ? $"TryAllocate({size}, {alignment}) failed, but the plugin reports a largest free block of {stats.LargestFreeBlock} bytes, "
                + "and a request of at most that size at the granule's alignment must succeed"
            : _guard.StatsFaultAfter(stats, fault, "a failed TryAllocate({1}, {2})", 0, size, alignment));

    /// <summary>Fences after the plugin called back into the host from inside <paramref name="call"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private RegionAllocateResult FenceReentered(string call) =>
        Fence($"the plugin called back into the Cma host from inside {call}");

    /// <summary>Fences after the stats read with a placement that passed every other check failed theirs: the chunk just
    /// recorded is forgotten (never handed out).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private RegionAllocateResult FenceStatsAfterPlace(AllocatorGuard guard, in CmaAllocatorStats stats, Exception? fault,
        ulong at, ulong size, ulong alignment)
    {
        string reason = guard.StatsFaultAfter(stats, fault, "TryAllocate({1}, {2}) at 0x{0:X}", at, size, alignment);
        guard.TryForget(at, out _);
        return Fence(reason);
    }

    /// <summary>Fences after the plugin's Free threw.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FenceFreeThrew(ulong address, ulong size, Exception e) =>
        Fence($"Free(0x{address:X}, {size}) threw {e.GetType().Name}: {e.Message}");

    /// <summary>Fences the region: no more calls into its plugin until it is empty and reopened. The state, reason, fault
    /// count and live chunk count are published together. Returns <see cref="RegionAllocateResult.Fenced"/>, for the
    /// allocation paths.</summary>
    private RegionAllocateResult Fence(string reason, bool countFault = true)
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
        return RegionAllocateResult.Fenced;
    }

    /// <summary>Raised (under the lock) when a plugin fault fences the region; the metrics count it.</summary>
    public event Action<Region, string>? Faulted;
}
