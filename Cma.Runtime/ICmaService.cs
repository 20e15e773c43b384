namespace Cma.Runtime;

/// <summary>
/// The host API: thread-safe allocation of contiguous ranges for devices, through the map or from named
/// regions. Expected failures are <see cref="CmaOutcome"/> values (the <c>Try</c> forms) or a
/// <see cref="CmaException"/> carrying one (the throwing forms); bad arguments are <see cref="ArgumentException"/>s
/// and change nothing.
/// </summary>
/// <remarks>
/// Arguments: <c>size</c> must be positive and is rounded up to the region's granule; <c>alignment</c> 0 means the
/// granule, a power of two below the granule is raised to it (the RFC's rule), anything else that is not a power
/// of two is an <see cref="ArgumentException"/>. A missing type means <c>common</c>.
/// </remarks>
public interface ICmaService
{
    /// <summary>Allocates for a device and type: the first matching map rule gives the regions, tried in order.</summary>
    CmaOutcome TryAllocate(string device, string? type, ulong size, ulong alignment, out CmaChunk chunk);

    /// <summary>Allocates for a device and type, or throws <see cref="CmaException"/>.</summary>
    CmaChunk Allocate(string device, string? type, ulong size, ulong alignment = 0);

    /// <summary>Allocates from named regions, tried in order (comma-separated, e.g. <c>"a,b"</c>), bypassing the map.</summary>
    CmaOutcome TryAllocateFrom(string regions, ulong size, ulong alignment, out CmaChunk chunk);

    /// <summary>Frees the chunk that starts at <paramref name="address"/>; <see cref="CmaOutcome.NotFound"/> when none does.
    /// When the chunk was handed out as a <see cref="CmaBuffer"/>, that buffer is retired in the same step: its bytes
    /// throw <see cref="ObjectDisposedException"/> and its <see cref="CmaBuffer.Dispose"/> does nothing, so it can never
    /// reach the chunk's next owner.</summary>
    CmaOutcome TryFree(ulong address);

    /// <summary>Frees the chunk that starts at <paramref name="address"/> (retiring its <see cref="CmaBuffer"/>, as
    /// <see cref="TryFree"/> does), or throws <see cref="CmaException"/> (NotFound).</summary>
    void Free(ulong address);

    /// <summary>What a device/type reaches; <see cref="CmaOutcome.NoMatchingRule"/> when no rule matches.</summary>
    CmaOutcome TryGetInfo(string device, string? type, out CmaInfo? info);

    /// <summary>Every region's state, in configuration order.</summary>
    IReadOnlyList<CmaRegionSnapshot> GetRegions();

    /// <summary>One region's state; <see cref="ArgumentException"/> for an unknown name.</summary>
    CmaRegionSnapshot GetRegion(string name);

    /// <summary>Reopens a fenced region with a fresh allocator instance; only possible while it holds no chunks.</summary>
    bool TryReopen(string region, out string? reason);

    /// <summary>Allocates for a device and type as <see cref="TryAllocate"/> does, and returns the chunk as a
    /// <see cref="CmaBuffer"/>: bytes to use (for a backed region) and <see cref="IDisposable"/> to free.</summary>
    CmaOutcome TryAllocateBuffer(string device, string? type, ulong size, ulong alignment, out CmaBuffer? buffer);

    /// <summary>Allocates a <see cref="CmaBuffer"/> for a device and type, or throws <see cref="CmaException"/>.</summary>
    CmaBuffer AllocateBuffer(string device, string? type, ulong size, ulong alignment = 0);

    /// <summary>Allocates a <see cref="CmaBuffer"/> from named regions, tried in order, bypassing the map.</summary>
    CmaOutcome TryAllocateBufferFrom(string regions, ulong size, ulong alignment, out CmaBuffer? buffer);

    /// <summary>Raised (on the freeing thread, after the chunk is freed) when a chunk's guard bytes were found changed —
    /// whether it was freed by <see cref="CmaBuffer.Dispose"/>, <see cref="CmaBuffer.DisposeChecked"/>,
    /// <see cref="TryFree"/> or <see cref="Free"/>. The overrun is also logged as an error and counted in
    /// <c>cma.guard_overruns</c>. A handler that throws is logged and does not stop the free or the other handlers.</summary>
    event Action<CmaGuardOverrun>? GuardOverrun;

    /// <summary>Swaps a region's allocator (or its settings: pass the same name) while it holds chunks (the RFC's writable
    /// <c>alloc</c>): the new instance is created with <paramref name="settings"/> (null: the region's current ones when the
    /// allocator stays, none when it changes),
    /// every live contiguous chunk is reserved in it at its exact address, its stats are checked, and only then does it
    /// replace the old one — under the region's lock, so no request sees half a swap. An empty region may switch to any
    /// loaded plugin; a region with chunks needs one that implements <see cref="ICmaExactPlacement"/> (contract 1.1).
    /// On failure nothing changes, the old allocator keeps serving, and <paramref name="reason"/> says which chunk could
    /// not be placed and why. A fenced region may be swapped too (its chunks are the host's record), which reopens it.
    /// <see cref="ArgumentException"/> for an unknown region.</summary>
    bool TrySwapAllocator(string region, string allocator, Microsoft.Extensions.Configuration.IConfiguration? settings, out string? reason)
        => throw new NotSupportedException("This ICmaService does not swap allocators.");

    /// <summary>Handles for the live contiguous chunks of <paramref name="region"/> that have none — after a restart, the
    /// chunks a persisted region (<c>Persist: true</c>) restored — optionally only those of <paramref name="owner"/>
    /// (<c>"device/type"</c>, as <see cref="CmaBuffer.Owner"/> shows it). A chunk with a live handle is not handed out
    /// twice. <see cref="ArgumentException"/> for an unknown region.</summary>
    IReadOnlyList<CmaBuffer> ReopenBuffers(string region, string? owner = null)
        => throw new NotSupportedException("This ICmaService does not reopen chunks.");

    /// <summary>A handle for the live contiguous chunk that starts at <paramref name="address"/>, or null when none starts
    /// there or it already has a live handle.</summary>
    CmaBuffer? ReopenBuffer(ulong address) => throw new NotSupportedException("This ICmaService does not reopen chunks.");

    /// <summary>The whole state: every region with its snapshot, allocator settings and live chunks (owners, kinds, pins),
    /// and the map; each region captured under its own lock. <see cref="CmaState.WriteJson"/> saves it.</summary>
    CmaState CaptureState() => throw new NotSupportedException("This ICmaService does not capture its state.");

    /// <summary>Allocates a <i>movable</i> chunk for a device and type: the same map rule as a contiguous request gives the
    /// regions, tried in order. In a reusable region the host places it in free space (from the top down by default) and
    /// may later move it — out of a contiguous request's way (to other free space of the region, else to the next region
    /// of this list), by <see cref="Compact"/>, or for a long-term pin — while it is unpinned; a
    /// <paramref name="discardable"/> chunk may be dropped instead. In a region that is not reusable the plugin places it
    /// and it never moves. Reach its bytes with <see cref="CmaMovableChunk.Pin"/>; free it with
    /// <see cref="CmaMovableChunk.Dispose"/> (or <see cref="TryFree"/> at its current address).</summary>
    CmaOutcome TryAllocateMovable(string device, string? type, ulong size, ulong alignment, bool discardable, out CmaMovableChunk? chunk)
        => throw new NotSupportedException("This ICmaService does not support movable chunks.");

    /// <summary>Allocates a movable chunk as <see cref="TryAllocateMovable"/> does, or throws <see cref="CmaException"/>.</summary>
    CmaMovableChunk AllocateMovable(string device, string? type, ulong size, ulong alignment = 0, bool discardable = false)
        => throw new NotSupportedException("This ICmaService does not support movable chunks.");

    /// <summary>Allocates a movable chunk from named regions, tried in order (they are also where it may migrate).</summary>
    CmaOutcome TryAllocateMovableFrom(string regions, ulong size, ulong alignment, bool discardable, out CmaMovableChunk? chunk)
        => throw new NotSupportedException("This ICmaService does not support movable chunks.");

    /// <summary>Moves the unpinned movable chunks of a reusable region towards their placement end (the top by default),
    /// so that the region's largest free block is as large as its contiguous and pinned chunks allow; returns the moves
    /// made (none for a region that is not reusable). <see cref="ArgumentException"/> for an unknown name.</summary>
    IReadOnlyList<CmaMove> Compact(string region)
        => throw new NotSupportedException("This ICmaService does not support movable chunks.");

    /// <summary>Registers the mover of address-space-only regions (null removes it): called, under the region's lock and
    /// before the host records it, for every move of a movable chunk there, so that the application moves whatever it
    /// keeps at those addresses. It must not call the host (such a call is refused). If it throws, the request that
    /// needed the move fails (<see cref="CmaOutcome.MoverFailed"/>) and nothing further moves. Backed regions copy bytes
    /// themselves and never call it.</summary>
    void SetMover(Action<CmaMove>? mover)
        => throw new NotSupportedException("This ICmaService does not support movable chunks.");

    /// <summary>Applies a new <c>Cma</c> section to the running host (what <c>reloadOnChange</c> does when the file
    /// changes; call it yourself when you build configuration in code). The section is validated as a whole, with the same
    /// messages as at start; if it is valid its difference is applied: regions added, empty regions removed, allocators and
    /// settings swapped live (as <see cref="TrySwapAllocator"/>), the map replaced — the regions and map in one atomic
    /// switch, so a request sees the old or the new map, never a mix. A region's range, granule, alignment, backing
    /// options and reusable options cannot change while running, nor can a region holding chunks be removed: such a
    /// reload is refused. Whenever the outcome is not <see cref="CmaReloadResult.Applied"/>, nothing changed (the running
    /// configuration stays). A section identical to the running one is <see cref="CmaReloadResult.Unchanged"/>, so a
    /// change notification that fires twice applies once; an invalid section tried again returns the same outcome,
    /// logged and counted once. Reloads are serialised. Pass the <c>Cma</c> section, or a root
    /// that has one.</summary>
    /// <returns>The outcome, also kept as <see cref="LastReload"/>, logged and counted (<c>cma.config_reloads</c>).</returns>
    CmaReloadOutcome Apply(Microsoft.Extensions.Configuration.IConfiguration configuration)
        => throw new NotSupportedException("This ICmaService does not reload its configuration.");

    /// <summary>The outcome of the last configuration reload (<see cref="Apply"/>), or null when there was none.</summary>
    CmaReloadOutcome? LastReload => null;
}
