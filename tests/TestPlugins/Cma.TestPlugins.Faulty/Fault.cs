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

    /// <summary>TryAllocate calls the region's hook (which calls the host, see <see cref="FaultyAllocatorProvider"/>), swallows
    /// what it throws, and then answers correctly.</summary>
    Reenter,

    /// <summary>TryAllocate calls the region's hook, then sleeps <c>DelayMs</c> before answering correctly.</summary>
    Slow,

    /// <summary>Free calls the region's hook, swallows what it throws, and then frees correctly.</summary>
    ReenterFree,

    /// <summary>Every Stats read calls the region's hook, swallowing what it throws, from the first read on (the host reads
    /// Stats once at creation, so this needs no arming).</summary>
    ReenterStats,

    /// <summary>Dispose calls the region's hook, swallowing what it throws.</summary>
    ReenterDispose,

    /// <summary>Stats reports a largest free block one granule larger than the free bytes.</summary>
    LargestOverFree,

    /// <summary>Stats reports all its free bytes as the largest free block, as if they were one block (true only while
    /// they are).</summary>
    InflatedLargest,

    /// <summary>Stats reports a largest free block of 0 however much is free.</summary>
    ZeroLargest,

    /// <summary>Stats reports a largest free block of at most one granule (less than it can place).</summary>
    UnderstatedLargest,

    /// <summary>Stats reports a largest free block one byte short of the truth: not a multiple of the granule.</summary>
    UnalignedLargest,

    /// <summary>Stats reports 0 free blocks however much is free.</summary>
    NoFreeBlocks,

    /// <summary>Stats reports one free block more than it keeps (so one even when full).</summary>
    ExtraFreeBlock,

    /// <summary>Stats reports two free blocks when nothing is allocated (the traits say freeing everything leaves one).</summary>
    SplitWhenEmpty,
}
