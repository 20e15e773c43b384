namespace Cma.Runtime.Regions;

/// <summary>What one region did with one allocation request.</summary>
internal enum RegionAllocateResult
{
    /// <summary>Placed, verified and recorded.</summary>
    Ok,

    /// <summary>The allocator could not place it (a normal result).</summary>
    NoSpace,

    /// <summary>The region is fenced (before, or because of, this call); nothing was handed out.</summary>
    Fenced,

    /// <summary>Reusable region: every range offered held a pinned movable chunk.</summary>
    Pinned,

    /// <summary>Reusable region: the movable chunks in the way had nowhere to go.</summary>
    NoRoomToMigrate,

    /// <summary>Reusable, address-space-only region: the application's mover threw.</summary>
    MoverFailed,
}
