using System.Runtime.InteropServices;

namespace Cma.Runtime.Memory;

/// <summary>
/// The few Linux memory-mapping calls the host needs for File and Shared regions (libc's <c>mmap</c> and
/// <c>munmap</c>). .NET's <c>MemoryMappedFile</c> maps a file where the kernel chooses (page-aligned only), and the
/// region's alignment may be larger; so a range of <c>size + alignment</c> is reserved with no access, the file is
/// mapped over its aligned middle with <c>MAP_FIXED</c>, and the unused head and tail are released.
/// </summary>
internal static partial class PosixMemoryMap
{
    private const int ProtNone = 0;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapShared = 0x01;
    private const int MapPrivate = 0x02;
    private const int MapFixed = 0x10;
    private const int MapAnonymous = 0x20;
    private const int MapNoReserve = 0x4000;

    /// <summary>What mmap returns on failure: <c>(void*)-1</c>.</summary>
    private static readonly nint s_mapFailed = -1;

    /// <summary>Maps <paramref name="length"/> bytes of the open file <paramref name="fd"/> from offset 0, read-write and
    /// shared, at an address that is a multiple of <paramref name="alignment"/> (a power of two, at least the page size).
    /// Returns the address; throws <see cref="IOException"/> with the system's error when the kernel refuses.</summary>
    public static nint MapFileAligned(int fd, ulong length, ulong alignment)
    {
        ulong page = (ulong)Environment.SystemPageSize;
        ulong mapped = RoundUp(length, page);
        ulong reserved = mapped + (alignment > page ? alignment : 0);
        nint reserve = Mmap(0, (nuint)reserved, ProtNone, MapPrivate | MapAnonymous | MapNoReserve, -1, 0);
        if (reserve == s_mapFailed)
            throw Failure("reserve", reserved);
        ulong aligned = RoundUp((ulong)reserve, alignment);
        nint view = Mmap((nint)aligned, (nuint)mapped, ProtRead | ProtWrite, MapShared | MapFixed, fd, 0);
        if (view == s_mapFailed)
        {
            IOException e = Failure("map", mapped);
            _ = Munmap(reserve, (nuint)reserved);
            throw e;
        }
        // Release the reserved head before the aligned start and the tail after the mapping (both whole pages).
        if (aligned > (ulong)reserve)
            _ = Munmap(reserve, (nuint)(aligned - (ulong)reserve));
        ulong end = aligned + mapped, reserveEnd = (ulong)reserve + reserved;
        if (reserveEnd > end)
            _ = Munmap((nint)end, (nuint)(reserveEnd - end));
        return view;
    }

    /// <summary>Unmaps what <see cref="MapFileAligned"/> mapped.</summary>
    public static void Unmap(nint address, ulong length)
    {
        if (Munmap(address, (nuint)RoundUp(length, (ulong)Environment.SystemPageSize)) != 0)
            throw Failure("unmap", length);
    }

    private static ulong RoundUp(ulong value, ulong unit) => (value + unit - 1) & ~(unit - 1);

    private static IOException Failure(string what, ulong length) =>
        new($"mmap could not {what} {CmaSize.Format(length)}: {Marshal.GetLastPInvokeErrorMessage()} (errno {Marshal.GetLastPInvokeError()}).");

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);
}
