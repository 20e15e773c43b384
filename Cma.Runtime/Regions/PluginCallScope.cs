using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Cma.Runtime.Regions;

/// <summary>
/// Marks the current thread as inside a call into one region's plugin, from <see cref="Enter"/> until
/// <see cref="Dispose"/> (a <c>using</c>): the host refuses every call that arrives while the mark is set
/// (<see cref="ThrowIfInside"/>) and marks the region, which then fences itself. A <c>lock</c> is re-entrant and would let
/// such a call through. A <c>ref struct</c> over a per-thread box: entering reads the thread-static slot once, leaving is
/// a plain field write, and the scope cannot escape the frame that entered it.
/// </summary>
internal ref struct PluginCallScope
{
    /// <summary>This thread's mark: a box holding the region whose plugin this thread is inside, or null. A box (made on
    /// the thread's first plugin call, then kept) so that a scope reads the thread-static slot once, on entry, and leaves
    /// with a plain field write; only its own thread ever touches a box.</summary>
    [ThreadStatic]
    private static StrongBox<Region?>? t_inside;

    /// <summary>This thread's box (see <see cref="t_inside"/>).</summary>
    private readonly StrongBox<Region?> _mark;

    /// <summary>The mark before <see cref="Enter"/> (restored by <see cref="Dispose"/>); null except while nested.</summary>
    private readonly Region? _outer;

    private PluginCallScope(StrongBox<Region?> mark, Region? outer) => (_mark, _outer) = (mark, outer);

    /// <summary>Marks this thread as inside a call into <paramref name="region"/>'s plugin until the scope is disposed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PluginCallScope Enter(Region region)
    {
        StrongBox<Region?> mark = t_inside ?? NewMark();
        Region? outer = mark.Value;
        mark.Value = region;
        return new PluginCallScope(mark, outer);
    }

    /// <summary>Restores the mark found by <see cref="Enter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Dispose() => _mark.Value = _outer;

    /// <summary>Throws, and marks the region, when this thread is inside a plugin call: the first check of every host
    /// entry point, so that even a bad call from inside a plugin fences its region.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ThrowIfInside()
    {
        if (t_inside?.Value is { } region)
            ThrowReentered(region);
    }

    /// <summary>Makes this thread's box, on its first plugin call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static StrongBox<Region?> NewMark() => t_inside = new StrongBox<Region?>();

    /// <summary>Marks <paramref name="region"/>, whose plugin called back into the host, and throws.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowReentered(Region region)
    {
        if (Region.InMover)
            throw new InvalidOperationException($"A mover called back into the Cma host while moving a chunk of region '{region.Info.Name}'; a mover must only move bytes. The call was refused.");
        region.MarkReentered();
        throw new InvalidOperationException(
            $"The allocator of region '{region.Info.Name}' called back into the Cma host from inside a call; the region is fenced.");
    }
}
