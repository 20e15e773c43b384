namespace Cma.Runtime;

/// <summary>What stands behind a region's addresses (the region's <c>Backing</c> setting).</summary>
public enum CmaBacking
{
    /// <summary>Address space only: chunk addresses are numbers for planning and comparison; there are no bytes.</summary>
    None,

    /// <summary>Process memory reserved when the host binds the region, aligned to the region's alignment; chunk
    /// addresses are real pointers.</summary>
    Native,

    /// <summary>A memory-mapped file at <c>BackingPath</c>; a chunk's offset in the region is its offset in the file,
    /// which another process maps to see the same bytes while the host runs. The host owns the file while it runs (an
    /// advisory lock: a second host over the same file fails to start) and keeps it when it stops, but chunks do not
    /// persist: a restarted region is empty — the host empties the file (all zero) when it takes it, so no chunk is
    /// ever handed out holding a previous run's bytes.</summary>
    File,

    /// <summary>A file under <c>/dev/shm</c> named by <c>BackingPath</c> that another process can map by name. The host
    /// owns it while it runs (an advisory lock: a second host over the same name fails to start, and the file is left
    /// alone); it is created empty when the host binds the region (a leftover no process owns is taken over and emptied) and
    /// unlinked by its owner when the host stops.</summary>
    Shared,
}
