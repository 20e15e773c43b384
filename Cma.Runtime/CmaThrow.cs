using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Cma.Runtime.Mapping;

namespace Cma.Runtime;

/// <summary>
/// The service's exceptions and their messages, in one place. Each throw is a small <see cref="DoesNotReturnAttribute"/>
/// method that is never inlined (as dotnet/runtime's ThrowHelper): the hot paths that call them keep no message
/// formatting, string handlers or exception construction in their own frames.
/// </summary>
internal static class CmaThrow
{
    /// <summary>A region name that names no region, with the names that do.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void UnknownRegion(ReadOnlySpan<char> name, IEnumerable<string> regions, string parameter) =>
        throw new ArgumentException($"Unknown region '{name}'. Regions: {string.Join(", ", regions)}.", parameter);

    /// <summary>A list of region names that names none.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void NoRegionNamed(string parameter) =>
        throw new ArgumentException("Name at least one region, e.g. \"a\" or \"a,b\".", parameter);

    /// <summary>A request argument the service rejects (zero or overflowing size, bad alignment).</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void BadArgument(string message, string parameter) => throw new ArgumentException(message, parameter);

    /// <summary>A zero size.</summary>
    public const string ZeroSize = "The size must be greater than zero.";

    /// <summary>A size that overflows when rounded up to <paramref name="granule"/>.</summary>
    public static string OverflowingSize(ulong size, ulong granule) =>
        $"The size {size} overflows when rounded up to the granule ({granule}).";

    /// <summary>An alignment that is neither 0 nor a power of two.</summary>
    public static string BadAlignment(ulong alignment) =>
        $"The alignment must be 0 (the granule) or a power of two; {alignment} is not.";

    /// <summary>A failed <see cref="ICmaService.Allocate"/> or <see cref="ICmaService.AllocateBuffer"/>.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void AllocationFailed(CmaOutcome outcome, string device, string? type, ulong size, ulong alignment) =>
        throw new CmaException(outcome,
            $"Allocation of {size} bytes (alignment {alignment}) for device '{device}' type '{type ?? DeviceMap.CommonType}' failed: {Describe(outcome)}.");

    /// <summary>A failed <see cref="ICmaService.Free"/>.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void NotFreed(ulong address) =>
        throw new CmaException(CmaOutcome.NotFound, $"No chunk starts at 0x{address:X}; nothing was freed.");

    /// <summary>What an outcome means, for messages.</summary>
    private static string Describe(CmaOutcome outcome) => outcome switch
    {
        CmaOutcome.NoSpace => "no candidate region has room",
        CmaOutcome.NoMatchingRule => "no map rule matches the device and type",
        CmaOutcome.AllRegionsFenced => "every candidate region is fenced after a plugin fault",
        CmaOutcome.NotFound => "no chunk starts at that address",
        CmaOutcome.Pinned => "every range the reusable region's allocator offered held a pinned movable chunk (unpin it, or retry later)",
        CmaOutcome.NoRoomToMigrate => "the movable chunks in the ranges the reusable region's allocator offered had nowhere to go (no room elsewhere in the region nor in the next regions of their map lists, and none discardable)",
        CmaOutcome.MoverFailed => "the application's mover threw while moving a movable chunk out of the way; nothing further was moved",
        CmaOutcome.Discarded => "the chunk was discarded",
        _ => outcome.ToString(),
    };
}
