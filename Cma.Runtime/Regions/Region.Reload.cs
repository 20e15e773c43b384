namespace Cma.Runtime.Regions;

/// <summary>Removing the region by a configuration reload: fenced while empty (so a request still routed by the old map
/// falls through to its next region), then, once the new map is published, closed and its memory released.</summary>
internal sealed partial class Region
{
    /// <summary>The fence reason of a region a configuration reload removed.</summary>
    public const string RemovedReason = "removed by a configuration reload";

    /// <summary>Why the region cannot be removed now (its chunk count and their owners), or null when it is empty.
    /// Caller holds <see cref="Sync"/>.</summary>
    public string? WhyNotRemovable()
    {
        IReadOnlyList<CmaChunkState> chunks = CaptureState().Chunks;
        if (chunks.Count == 0)
            return null;
        string owners = string.Join(", ", chunks.GroupBy(c => c.Owner.Length == 0 ? "(named-region request)" : c.Owner, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ({g.Count()})"));
        return $"region '{Info.Name}' cannot be removed: it holds {chunks.Count} chunk(s), owned by {owners}; free them first (the region keeps serving)";
    }

    /// <summary>Fences the region for removal if it is empty; otherwise changes nothing and says why. <paramref name="wasActive"/>
    /// tells <see cref="UndoRetire"/> and <see cref="CloseRetired"/> whether its allocator was serving. Caller holds
    /// <see cref="Sync"/>.</summary>
    public bool TryRetire(out string? refusal, out bool wasActive)
    {
        wasActive = State == RegionState.Active;
        refusal = WhyNotRemovable();
        if (refusal is not null)
            return false;
        Fence(RemovedReason, countFault: false);
        return true;
    }

    /// <summary>Undoes <see cref="TryRetire"/> (the reload was refused after it): the region serves again with the same
    /// allocator instance, which was never called meanwhile. Caller holds <see cref="Sync"/>.</summary>
    public void UndoRetire(bool wasActive)
    {
        if (wasActive && State == RegionState.Fenced && FenceReason == RemovedReason)
            SetState(RegionState.Active, null);
    }

    /// <summary>Closes a retired region for good: disposes its allocator (if it was serving when retired), closes its
    /// journal and releases its memory; it stays fenced as removed. Caller holds <see cref="Sync"/>.</summary>
    public void CloseRetired(bool wasActive)
    {
        if (wasActive)
            DisposeAllocator();
        ReleaseAll();   // the journal too: a region added back by a later reload opens its table again
    }
}
