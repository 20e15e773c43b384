using Cma.Runtime.Regions;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime;

/// <summary>
/// The handle API over real memory: <see cref="CmaBuffer"/>s, guard overrun reports, and releasing mappings.
/// A chunk handed out as a buffer is registered with its handle in the allocation's critical section and leaves the
/// registry in its free's, both under the region's lock. A free by address of such a chunk retires the handle (it then
/// neither reads, writes nor frees); a handle frees its chunk only while it is still the registered one — so no
/// sequence of calls lets a handle reach a chunk that has passed to another owner.
/// </summary>
internal sealed partial class CmaService : IBufferReleaser
{
    /// <inheritdoc/>
    public event Action<CmaGuardOverrun>? GuardOverrun;

    /// <inheritdoc/>
    public CmaOutcome TryAllocateBuffer(string device, string? type, ulong size, ulong alignment, out CmaBuffer? buffer) =>
        TryAllocate(device, type, size, alignment, asBuffer: true, out _, out buffer);

    /// <inheritdoc/>
    public CmaBuffer AllocateBuffer(string device, string? type, ulong size, ulong alignment = 0)
    {
        CmaOutcome outcome = TryAllocateBuffer(device, type, size, alignment, out CmaBuffer? buffer);
        if (outcome != CmaOutcome.Ok)
            CmaThrow.AllocationFailed(outcome, device, type, size, alignment);
        return buffer!;
    }

    /// <inheritdoc/>
    public CmaOutcome TryAllocateBufferFrom(string regions, ulong size, ulong alignment, out CmaBuffer? buffer) =>
        TryAllocateFrom(regions, size, alignment, asBuffer: true, out _, out buffer);

    /// <summary>The handle for a chunk just placed at <paramref name="address"/> in <paramref name="region"/>, registered
    /// as the chunk's owner. Caller holds the region's lock, in the allocation's critical section.</summary>
    private CmaBuffer AdoptChunk(Region region, ulong address, ulong size, string owner)
    {
        var buffer = new CmaBuffer(this, region, address, size, owner);
        (region.Handles ??= []).Add(address, buffer);
        return buffer;
    }

    /// <summary>Whether the chunk at <paramref name="address"/> (in <paramref name="region"/>) may be freed by this caller, retiring its handle if so: a free by address
    /// (<paramref name="handle"/> null) always may, and retires the live handle it finds; a handle may only while it is
    /// still the chunk's registered one (it was not retired by a free by address, whose chunk may since have passed to
    /// another owner). Caller holds the region's lock.</summary>
    private static bool ReleaseHandle(Region region, ulong address, CmaBuffer? handle)
    {
        Dictionary<ulong, CmaBuffer>? table = region.Handles;
        if (table is null || !table.TryGetValue(address, out CmaBuffer? owner))
            return handle is null;
        if (handle is not null && !ReferenceEquals(owner, handle))
            return false;   // another handle owns the chunk now: leave it be
        table.Remove(address);
        owner.Retire();
        return true;
    }

    /// <summary>Frees a buffer's chunk if <paramref name="handle"/> still owns it; returns the guard overrun found, if any.
    /// After the host is disposed, does nothing (the memory is already released). Never throws.</summary>
    CmaGuardOverrun? IBufferReleaser.Release(CmaBuffer handle)
    {
        CmaOutcome outcome;
        CmaGuardOverrun? overrun;
        try
        {
            outcome = FreeCore(handle.Address, handle, out overrun);
        }
        catch (ObjectDisposedException)
        {
            return null;   // the host was disposed first: its memory, and so this chunk, is already released
        }
        catch (InvalidOperationException e)
        {
            // Disposed from inside a plugin call (the region is fenced for it): Dispose does not throw; the chunk stays
            // allocated until the host is disposed.
            _logger.LogError("A CmaBuffer at 0x{Address:X} in region {Region} could not be freed: {Error}", handle.Address, handle.Region, e.Message);
            return null;
        }
        if (outcome != CmaOutcome.Ok)
            _logger.LogWarning("A CmaBuffer at 0x{Address:X} in region {Region} was already freed by address; nothing changed.", handle.Address, handle.Region);
        return overrun;
    }

    /// <summary>Logs, counts and raises a guard overrun.</summary>
    private void ReportOverrun(Region region, CmaGuardOverrun overrun)
    {
        _logger.LogError("Cma: {Overrun}. Something wrote past the end of this chunk; the chunk was freed.", overrun);
        _metrics?.GuardOverrun(region);
        if (GuardOverrun is not { } handlers)
            return;
        // Each handler on its own: one that throws must not make a buffer's Dispose throw, nor silence the others.
        foreach (Delegate handler in handlers.GetInvocationList())
        {
            try
            {
                ((Action<CmaGuardOverrun>)handler)(overrun);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "A GuardOverrun handler threw; the overrun was still reported and the chunk freed.");
            }
        }
    }
}
