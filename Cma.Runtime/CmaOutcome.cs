namespace Cma.Runtime;

/// <summary>The outcome of a host API call (allocate or free). Expected failures are values, not exceptions.</summary>
public enum CmaOutcome
{
    /// <summary>The call succeeded.</summary>
    Ok = 0,

    /// <summary>Every candidate region that could take the request was tried and none had room (the RFC's -ENOMEM).</summary>
    NoSpace = 1,

    /// <summary>No map rule matches the device and type (the RFC's -ENOENT from the map).</summary>
    NoMatchingRule = 2,

    /// <summary>Every candidate region is fenced after a plugin fault; none could be tried.</summary>
    AllRegionsFenced = 3,

    /// <summary>No live chunk starts at the address given to free (the RFC's -ENOENT from cma_free).</summary>
    NotFound = 4,

    /// <summary>A contiguous request in a reusable region: every range its plugin offered (the first and each retry) held
    /// a pinned movable chunk, so nothing could be moved out of the way (RFC v6's pin rule). Unpin, or retry later.</summary>
    Pinned = 5,

    /// <summary>A contiguous request in a reusable region: the movable chunks in the ranges its plugin offered had nowhere
    /// to go (no room elsewhere in the region, nor in the next regions of their own map lists) and none was
    /// discardable.</summary>
    NoRoomToMigrate = 6,

    /// <summary>A contiguous request in an address-space-only reusable region: the application's mover threw while
    /// moving a chunk out of the way; the moves it had accepted stand, nothing further moved, and the request failed.</summary>
    MoverFailed = 7,

    /// <summary>The movable chunk was discardable and was dropped to make room (its bytes are gone): it cannot be
    /// pinned. Freeing it is allowed and does nothing more.</summary>
    Discarded = 8,
}
