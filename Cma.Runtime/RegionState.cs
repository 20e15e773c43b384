namespace Cma.Runtime;

/// <summary>Whether a region takes allocations.</summary>
public enum RegionState
{
    /// <summary>The region's allocator is working and trusted.</summary>
    Active = 0,

    /// <summary>The region's plugin broke its contract (or its creation failed): it takes no allocations and its
    /// plugin is never called again; frees of its chunks only leave the registry. Reopened only when empty.</summary>
    Fenced = 1,
}
