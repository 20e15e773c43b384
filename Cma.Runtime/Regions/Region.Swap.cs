using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime.Regions;

/// <summary>
/// Live allocator swap (the RFC's writable sysfs <c>alloc</c>): the region's allocator, or its settings, change while it
/// holds chunks. The host creates the new instance, reserves every live contiguous chunk in it at its exact address
/// (the contract 1.1 capability <see cref="ICmaExactPlacement"/>), checks the new instance's stats against the chunks
/// it now holds, and only then switches — all under the region's lock, so no request sees half a swap. On any failure
/// the new instance is disposed and the old one keeps serving; the reason names the chunk that could not be placed.
/// An empty region may switch to any plugin; a region with chunks needs the capability. Host-placed movable chunks are
/// not the plugin's (it never sees them), so they stay where they are. A fenced region may swap too: its registry is
/// the host's, so placing every chunk in a fresh, checked instance is a way back from a fault.
/// </summary>
internal sealed partial class Region
{
    /// <summary>Swaps in a new instance of <paramref name="provider"/> (named <paramref name="allocatorName"/>) with
    /// <paramref name="settings"/>. Caller holds <see cref="Sync"/>. False, with the reason, when nothing changed.</summary>
    public bool TrySwapAllocator(string allocatorName, ICmaAllocatorProvider provider, IConfiguration settings, out string? reason)
    {
        _reentered = false;
        (AllocatorGuard? fresh, reason) = CreateChecked(allocatorName, provider, settings);
        if (fresh is null)
            return false;
        (reason, bool fault) = PlaceLiveChunks(fresh, allocatorName);
        CmaAllocatorStats stats = default;
        if (reason is null)
        {
            fault = true;   // from here on a failure is a lie of the new instance
            stats = ReadStatsInPlugin(fresh, out Exception? statsFault);
            if (_reentered)
                reason = $"{allocatorName}: Stats called back into the Cma host";
            else if (!fresh.StatsHold(stats, statsFault))
                reason = $"{allocatorName} holding the region's {Chunks.Count} chunk(s): {fresh.StatsFault(stats, statsFault)}";
        }
        if (reason is not null)
        {
            DisposeInstance(fresh.Allocator, allocatorName);
            _reentered = false;
            if (fault)
                CountFault($"swap to {allocatorName} refused: {reason}");
            return false;
        }
        PublishStats(stats);   // checked above
        AllocatorGuard? old = _guard;
        string oldName = AllocatorName;
        _guard = fresh;
        AllocatorName = allocatorName;
        Provider = provider;
        Settings = settings;
        if (old is not null && State == RegionState.Active)
            DisposeInstance(old.Allocator, oldName);   // a fenced instance is never called again, not even Dispose
        SetState(RegionState.Active, null);
        _logger.LogInformation("Region {Region}: allocator swapped to {Allocator} with {Chunks} live chunk(s).", Info.Name, allocatorName, Chunks.Count);
        return true;
    }

    /// <summary>A new instance with its traits read, or null and why.</summary>
    private (AllocatorGuard? Guard, string? Reason) CreateChecked(string allocatorName, ICmaAllocatorProvider provider, IConfiguration settings)
    {
        ICmaAllocator allocator;
        CmaAllocatorTraits traits;
        try
        {
            using PluginCallScope call = PluginCallScope.Enter(this);
            allocator = provider.Create(Info, settings);
            traits = allocator.Traits;
        }
        catch (Exception e)
        {
            return (null, $"{allocatorName}: Create threw {e.GetType().Name}: {e.Message}");
        }
        if (_reentered)
            return (null, $"{allocatorName}: Create called back into the Cma host");
        if (traits.MaxRegionSize < Info.Size)
        {
            DisposeInstance(allocator, allocatorName);
            return (null, $"{allocatorName} supports regions of at most {CmaSize.Format(traits.MaxRegionSize)}, but region '{Info.Name}' is {CmaSize.Format(Info.Size)}");
        }
        return (new AllocatorGuard(Info, allocator, traits, Chunks), null);
    }

    /// <summary>Reserves every live contiguous chunk in the new instance at its address: null, or why one could not be and
    /// whether that was a fault of the new instance (it threw or called back) rather than a refusal its rounding explains.</summary>
    private (string? Reason, bool Fault) PlaceLiveChunks(AllocatorGuard fresh, string allocatorName)
    {
        if (Chunks.Count == 0)
            return (null, false);
        if (fresh.Allocator is not ICmaExactPlacement exact)
        {
            return ($"region '{Info.Name}' holds {Chunks.Count} chunk(s) and {allocatorName} cannot place a chunk at a given address "
                + "(it does not implement ICmaExactPlacement, contract 1.1); free the chunks first, or choose an allocator that can", false);
        }
        string? reason = null;
        bool fault = false;
        Chunks.ForEach((start, entry) =>
        {
            if (reason is not null)
                return;
            bool placed;
            try
            {
                using PluginCallScope call = PluginCallScope.Enter(this);
                placed = exact.TryReserve(start, entry.Size);
            }
            catch (Exception e)
            {
                (reason, fault) = ($"{allocatorName}: TryReserve(0x{start:X}, {entry.Size}) threw {e.GetType().Name}: {e.Message}", true);
                return;
            }
            if (_reentered)
                (reason, fault) = ($"{allocatorName}: TryReserve called back into the Cma host", true);
            else if (!placed)
                reason = $"{allocatorName} refused chunk 0x{start:X}+{entry.Size} (owner '{OwnerName(entry.Owner)}') at its address: its rounding cannot represent that range exactly";
        });
        return (reason, fault);
    }

    /// <summary>Counts and logs a fault of an allocator instance that never served (a refused swap): the region is not
    /// fenced, its allocator is unchanged.</summary>
    private void CountFault(string reason)
    {
        int version = BeginChange();
        _faultCount++;
        EndChange(version);
        Faulted?.Invoke(this, reason);
        _logger.LogError("Region {Region} ({Allocator}): {Reason}.", Info.Name, AllocatorName, reason.TrimEnd('.'));
    }

    /// <summary>Disposes an allocator instance inside a plugin call; a throw is logged.</summary>
    private void DisposeInstance(ICmaAllocator allocator, string allocatorName)
    {
        try
        {
            using PluginCallScope call = PluginCallScope.Enter(this);
            allocator.Dispose();
        }
        catch (Exception e)
        {
            _logger.LogWarning("Disposing an instance of {Allocator} in region {Region} threw {Error}.", allocatorName, Info.Name, e.Message);
        }
    }
}
