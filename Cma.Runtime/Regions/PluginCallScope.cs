using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Cma.Runtime.Regions;

/// <summary>
/// Marks the current thread as inside a call into one region's plugin, from <see cref="Enter"/> until
/// <see cref="Dispose"/> (a <c>using</c>): the host refuses every call that arrives while the mark is set
/// (<see cref="ThrowIfInside"/>) and marks the region, which then fences itself. A <c>lock</c> is re-entrant and would let
/// such a call through. A <c>ref struct</c> over one thread-static slot: entering and leaving are a few plain moves, and
/// the scope cannot escape the frame that entered it.
/// </summary>
internal ref struct PluginCallScope
{
    /// <summary>The region whose plugin this thread is inside, or null; only its own thread touches it.</summary>
    [ThreadStatic]
    private static Region? t_inside;

    /// <summary>The mark before <see cref="Enter"/> (restored by <see cref="Dispose"/>); null except while nested.</summary>
    private readonly Region? _outer;

    private PluginCallScope(Region? outer) => _outer = outer;

    /// <summary>Marks this thread as inside a call into <paramref name="region"/>'s plugin until the scope is disposed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PluginCallScope Enter(Region region)
    {
        Region? outer = t_inside;
        t_inside = region;
        return new PluginCallScope(outer);
    }

    /// <summary>Restores the mark found by <see cref="Enter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Dispose() => t_inside = _outer;

    /// <summary>Throws, and marks the region, when this thread is inside a plugin call: the first check of every host
    /// entry point, so that even a bad call from inside a plugin fences its region.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ThrowIfInside()
    {
        if (t_inside is { } region)
            ThrowReentered(region);
    }

    /// <summary>Marks <paramref name="region"/>, whose plugin called back into the host, and throws.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowReentered(Region region)
    {
        region.MarkReentered();
        throw new InvalidOperationException(
            $"The allocator of region '{region.Info.Name}' called back into the Cma host from inside a call; the region is fenced.");
    }
}
