using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime.Regions;

/// <summary>The region's allocator lifecycle: opening (Create, Traits, first Stats, all checked), reopening when fenced
/// and empty, and closing when the host is disposed.</summary>
internal sealed partial class Region
{
    /// <summary>Creates a fresh allocator. Returns null on success; the exception thrown by Create otherwise
    /// (the region is then fenced, except for a <see cref="CmaSettingsException"/>, which the caller reports).</summary>
    public Exception? Open()
    {
        Debug.Assert(Chunks.Count == 0);
        if (Provider is null)
        {
            Fence($"allocator '{AllocatorName}' is not loaded", countFault: false);
            return null;
        }
        ICmaAllocator allocator;
        try
        {
            using PluginCallScope call = PluginCallScope.Enter(this);
            allocator = Provider.Create(Info, Settings);
        }
        catch (Exception e)
        {
            Fence($"{AllocatorName}: Create threw {e.GetType().Name}: {e.Message}", countFault: e is not CmaSettingsException);
            return e;
        }
        if (_reentered)
        {
            Fence($"{AllocatorName}: Create called back into the Cma host");
            return null;
        }
        CmaAllocatorTraits traits;
        try
        {
            using (PluginCallScope.Enter(this))
                traits = allocator.Traits;
        }
        catch (Exception e)
        {
            _guard = new AllocatorGuard(Info, allocator, default, Chunks);   // disposable by the host's tools, never called
            Fence($"{AllocatorName}: Traits threw {e.GetType().Name}: {e.Message}");
            return null;
        }
        AllocatorGuard guard = _guard = new AllocatorGuard(Info, allocator, traits, Chunks);
        if (traits.MaxRegionSize < Info.Size)
            return Fail($"{AllocatorName} supports regions of at most {CmaSize.Format(traits.MaxRegionSize)}, but region '{Info.Name}' is {CmaSize.Format(Info.Size)}");
        CmaAllocatorStats stats = ReadStatsInPlugin(guard, out Exception? statsFault);
        if (_reentered)
        {
            Fence($"{AllocatorName}: Traits or Stats called back into the Cma host while the region was created");
            return null;
        }
        if (!StatsHold(guard, stats, statsFault))
        {
            Fence(guard.StatsFaultAfter(stats, statsFault, "Create", 0, 0, 0));
            return null;
        }
        SetState(RegionState.Active, null);
        return null;

        Exception? Fail(string reason)
        {
            Fence(reason);
            return new CmaSettingsException(reason + ".");
        }
    }

    /// <summary>Reopens a fenced, empty region with a fresh allocator instance. Caller holds <see cref="Sync"/>.</summary>
    public bool TryReopen(out string? reason)
    {
        if (State == RegionState.Active)
        {
            reason = null;
            return true;
        }
        if (Chunks.Count != 0)
        {
            reason = $"region '{Info.Name}' still holds {Chunks.Count} chunk(s); free them first";
            return false;
        }
        _reentered = false;
        Exception? e = Open();
        reason = e is null && State == RegionState.Active ? null : FenceReason;
        return State == RegionState.Active;
    }

    /// <summary>Closes the region for good (the host is being disposed), releasing its memory: disposes an active allocator — a plugin call, so
    /// a call back into the host from inside it is refused — and fences the region without counting a fault, so that a
    /// request that reaches it afterwards never calls the disposed allocator. Caller holds <see cref="Sync"/>.</summary>
    public void Close()
    {
        if (State == RegionState.Active)
            DisposeAllocator();
        Fence(ClosedReason, countFault: false);
        ReleaseAll();
    }

    /// <summary>The end of a region closed for good (by <see cref="Close"/> or <see cref="CloseRetired"/>): its movable
    /// chunks' bookkeeping, its journal and its bytes.</summary>
    private void ReleaseAll()
    {
        CloseMovables();
        Journal?.Dispose();
        ReleaseMemory();
    }

    /// <summary>Disposes the current allocator instance (a plugin call: a call back into the host is refused); a failure
    /// is logged. Caller holds <see cref="Sync"/>.</summary>
    private void DisposeAllocator()
    {
        DisposeInstance(Allocator!, AllocatorName);
        if (_reentered)
            _logger.LogWarning("The allocator of region {Region} called back into the Cma host from inside Dispose; the call was refused.", Info.Name);
    }

    /// <summary>Releases the region's bytes (mapping unmapped, a Shared file unlinked); a failure is logged.</summary>
    private void ReleaseMemory()
    {
        try
        {
            Memory?.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Releasing the memory of region {Region} failed: {Error}", Info.Name, e.Message);
        }
    }

    /// <summary>The fence reason of a region whose host was disposed.</summary>
    public const string ClosedReason = "the Cma host was disposed";
}
