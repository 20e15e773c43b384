using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Regions;

/// <summary>The region's whole state for <see cref="ICmaService.CaptureState"/>: its snapshot, settings and live chunks.</summary>
internal sealed partial class Region
{
    /// <summary>Captures the region's state. Caller holds <see cref="Sync"/> (so the chunks are one moment).</summary>
    public CmaRegionState CaptureState()
    {
        var chunks = new List<CmaChunkState>((int)Math.Min(Chunks.Count + (_space?.Count ?? 0), int.MaxValue));
        MovableSpace? space = _space;
        Chunks.ForEach((start, entry) =>
        {
            CmaMovableChunk? movable = space is not null && space.ByAddress.TryGetValue(start, out CmaMovableChunk? m) && !m.HostPlaced ? m : null;
            chunks.Add(StateOf(start, entry.Size, entry.Requested, OwnerName(entry.Owner), movable));
        });
        if (space is { Reusable: true })
        {
            foreach (CmaMovableChunk m in space.HostPlacedInOrder())
                chunks.Add(StateOf(m.Address, m.PlacedSize, m.Size, m.Owner, m));
            chunks.Sort((a, b) => a.Address.CompareTo(b.Address));
        }
        return new CmaRegionState
        {
            Region = Snapshot(),
            Settings = Settings.AsEnumerable(makePathsRelative: true).Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value),
            Chunks = chunks,
        };
    }

    /// <summary>The state of one chunk (<paramref name="movable"/> null for a contiguous one).</summary>
    private static CmaChunkState StateOf(ulong address, ulong size, ulong requested, string owner, CmaMovableChunk? movable) => new()
    {
        Address = address, Size = size, Requested = requested, Owner = owner,
        Kind = movable is null ? CmaChunkKind.Contiguous : movable.IsDiscardable ? CmaChunkKind.Discardable : CmaChunkKind.Movable,
        Pins = movable?.PinCount ?? 0,
    };
}
