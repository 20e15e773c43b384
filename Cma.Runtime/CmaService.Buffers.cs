using Cma.Runtime.Mapping;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime;

/// <summary>The handle API over real memory: <see cref="CmaBuffer"/>s, guard overrun reports, and releasing mappings.</summary>
public sealed partial class CmaService
{
    /// <inheritdoc/>
    public event Action<CmaGuardOverrun>? GuardOverrun;

    /// <inheritdoc/>
    public CmaOutcome TryAllocateBuffer(string device, string? type, ulong size, ulong alignment, out CmaBuffer? buffer)
    {
        CmaOutcome outcome = TryAllocate(device, type, size, alignment, out CmaChunk chunk);
        buffer = outcome == CmaOutcome.Ok ? Wrap(chunk, size, device + "/" + (type ?? DeviceMap.CommonType)) : null;
        return outcome;
    }

    /// <inheritdoc/>
    public CmaBuffer AllocateBuffer(string device, string? type, ulong size, ulong alignment = 0)
    {
        CmaChunk chunk = Allocate(device, type, size, alignment);
        return Wrap(chunk, size, device + "/" + (type ?? DeviceMap.CommonType));
    }

    /// <inheritdoc/>
    public CmaOutcome TryAllocateBufferFrom(string regions, ulong size, ulong alignment, out CmaBuffer? buffer)
    {
        CmaOutcome outcome = TryAllocateFrom(regions, size, alignment, out CmaChunk chunk);
        buffer = outcome == CmaOutcome.Ok ? Wrap(chunk, size, "") : null;
        return outcome;
    }

    /// <summary>The handle for a chunk just allocated.</summary>
    private CmaBuffer Wrap(CmaChunk chunk, ulong size, string owner) => new(this, _byName[chunk.Region], chunk.Address, size, owner);

    /// <summary>Frees a buffer's chunk; returns the guard overrun found, if any. After the host is disposed, does nothing
    /// (the memory is already released).</summary>
    internal CmaGuardOverrun? FreeBuffer(ulong address, Region region)
    {
        CmaOutcome outcome;
        CmaGuardOverrun? overrun;
        try
        {
            outcome = FreeCore(address, out overrun);
        }
        catch (ObjectDisposedException)
        {
            return null;   // the host was disposed first: its memory, and so this chunk, is already released
        }
        catch (InvalidOperationException e)
        {
            // Disposed from inside a plugin call (the region is fenced for it): Dispose does not throw; the chunk stays
            // allocated until the host is disposed.
            _logger.LogError("A CmaBuffer at 0x{Address:X} in region {Region} could not be freed: {Error}", address, region.Info.Name, e.Message);
            return null;
        }
        if (outcome != CmaOutcome.Ok)
            _logger.LogWarning("A CmaBuffer at 0x{Address:X} in region {Region} was already freed by address; nothing changed.", address, region.Info.Name);
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

    /// <summary>Releases a region's memory. Caller holds the region's lock (so no allocate or free is touching it).</summary>
    private void ReleaseMemory(Region region)
    {
        try
        {
            region.Memory?.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Releasing the memory of region {Region} failed: {Error}", region.Info.Name, e.Message);
        }
    }
}
