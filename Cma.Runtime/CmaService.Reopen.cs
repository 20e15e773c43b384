using Cma.Runtime.Regions;

namespace Cma.Runtime;

/// <summary>Reopening chunks as handles: after a restart, a persisted region's chunks are live again, and their owners
/// find them by owner or by address and get <see cref="CmaBuffer"/>s back.</summary>
internal sealed partial class CmaService
{
    /// <inheritdoc/>
    public IReadOnlyList<CmaBuffer> ReopenBuffers(string region, string? owner = null)
    {
        PluginCallScope.ThrowIfInside();
        ArgumentNullException.ThrowIfNull(region);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Region r = RegionNamed(region, nameof(region));
        var buffers = new List<CmaBuffer>();
        lock (r.Sync)
        {
            var found = new List<(ulong Start, ChunkEntry Entry)>();
            r.Chunks.ForEach((start, entry) =>
            {
                if ((owner is null || r.OwnerName(entry.Owner) == owner) && Unclaimed(r, start))
                    found.Add((start, entry));
            });
            foreach ((ulong start, ChunkEntry entry) in found)
                buffers.Add(Reopen(r, start, entry));
        }
        return buffers;
    }

    /// <inheritdoc/>
    public CmaBuffer? ReopenBuffer(ulong address)
    {
        PluginCallScope.ThrowIfInside();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Topology.RegionAt(address) is not { } r)
            return null;
        lock (r.Sync)
        {
            if (!r.Chunks.TryGet(address, out ChunkEntry entry) || !Unclaimed(r, address))
                return null;
            return Reopen(r, address, entry);
        }
    }

    /// <summary>A handle for a live contiguous chunk that has none. Caller holds the region's lock.</summary>
    private CmaBuffer Reopen(Region region, ulong start, ChunkEntry entry) =>
        AdoptChunk(region, start, entry.Requested, region.OwnerName(entry.Owner));

    /// <summary>Whether the live chunk at <paramref name="start"/> can be reopened: a contiguous chunk (not a movable one)
    /// without a live handle. Caller holds the region's lock.</summary>
    private static bool Unclaimed(Region region, ulong start) => !HasHandle(region, start) && region.Movables?.ByAddress.ContainsKey(start) != true;

    /// <summary>Whether the chunk at <paramref name="start"/> already has a live handle. Caller holds the region's lock.</summary>
    private static bool HasHandle(Region region, ulong start) => region.Handles is { } table && table.ContainsKey(start);
}
