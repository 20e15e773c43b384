using Cma.Runtime.Mapping;
using Cma.Runtime.Regions;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime;

/// <summary>The handle API over real memory: <see cref="CmaBuffer"/>s, guard overrun reports, and releasing mappings.</summary>
public sealed partial class CmaService
{
    /// <summary>Raised (on the freeing thread, after the chunk is freed) when a chunk's guard bytes were changed; the
    /// overrun is also logged as an error and counted in <c>cma.guard_overruns</c>.</summary>
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
        if (outcome != CmaOutcome.Ok)
            _logger.LogWarning("A CmaBuffer at 0x{Address:X} in region {Region} was already freed by address; nothing changed.", address, region.Info.Name);
        return overrun;
    }

    /// <summary>Logs, counts and raises a guard overrun.</summary>
    private void ReportOverrun(Region region, CmaGuardOverrun overrun)
    {
        _logger.LogError("Cma: {Overrun}. Something wrote past the end of this chunk; the chunk was freed.", overrun);
        _metrics?.GuardOverrun(region);
        GuardOverrun?.Invoke(overrun);
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
