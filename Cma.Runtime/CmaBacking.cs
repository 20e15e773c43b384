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
    /// stable across runs and processes. The file is kept when the host stops.</summary>
    File,

    /// <summary>A file under <c>/dev/shm</c> named by <c>BackingPath</c> that another process can map by name; it is
    /// created (replacing a leftover of the same name) when the host binds the region and unlinked when it stops.</summary>
    Shared,
}
