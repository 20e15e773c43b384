namespace Cma.TestPlugins.Faulty;

/// <summary>The contract violation a <see cref="FaultyAllocator"/> commits once armed (setting <c>Fault</c>).</summary>
public enum Fault
{
    /// <summary>Behaves correctly.</summary>
    None,

    /// <summary>TryAllocate returns the region's end: a range outside the region.</summary>
    OutOfRegion,

    /// <summary>TryAllocate returns a correct placement plus half a granule: misaligned.</summary>
    Misaligned,

    /// <summary>TryAllocate returns the start of the first live chunk plus one granule: inside a live chunk.</summary>
    InsideLive,

    /// <summary>TryAllocate returns one granule before the first live chunk that does not start the region, so that
    /// a request larger than that chunk encloses it.</summary>
    Enclosing,

    /// <summary>TryAllocate returns the start of the first live chunk again.</summary>
    SameStart,

    /// <summary>Stats reports one granule less free than is true.</summary>
    WrongFreeBytes,

    /// <summary>TryAllocate throws.</summary>
    ThrowAllocate,

    /// <summary>Free throws.</summary>
    ThrowFree,

    /// <summary>Stats throws.</summary>
    ThrowStats,

    /// <summary>The provider's Create throws (not a settings exception).</summary>
    ThrowCreate,

    /// <summary>TryAllocate calls <see cref="FaultyAllocatorProvider.Callback"/> (which calls the host), swallows what it
    /// throws, and then answers correctly.</summary>
    Reenter,

    /// <summary>TryAllocate calls <see cref="FaultyAllocatorProvider.Callback"/>, then sleeps <c>DelayMs</c> before answering correctly.</summary>
    Slow,
}
