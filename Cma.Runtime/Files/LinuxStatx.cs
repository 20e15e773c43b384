using System.Runtime.InteropServices;

namespace Cma.Runtime.Files;

/// <summary>
/// libc's <c>statx</c>, the one place the runtime and the tool ask Linux about a file without opening it (its type, for
/// <see cref="FileKinds"/>; its device and inode, for <see cref="Memory.FileIdentity"/>). <c>struct statx</c> has one
/// layout on every architecture (linux/stat.h): <c>stx_mask</c> at byte 0, <c>stx_mode</c> (16 bits) at 28,
/// <c>stx_ino</c> at 32, <c>stx_dev_major</c>/<c>stx_dev_minor</c> at 136/140.
/// </summary>
internal static unsafe partial class LinuxStatx
{
    /// <summary>The size of <c>struct statx</c>.</summary>
    public const int Size = 256;

    /// <summary><c>AT_FDCWD</c>: a relative path starts at the working directory.</summary>
    public const int AtCurrentDirectory = -100;

    /// <summary><c>AT_EMPTY_PATH</c>: the path is empty and the directory descriptor is the file itself.</summary>
    public const int AtEmptyPath = 0x1000;

    /// <summary><c>STATX_TYPE</c>: the file type bits of <c>stx_mode</c>.</summary>
    public const uint TypeField = 0x1;

    /// <summary><c>STATX_INO</c>: the inode (the device fields are always filled).</summary>
    public const uint InodeField = 0x100;

    /// <summary>Fills <paramref name="buffer"/> (<see cref="Size"/> bytes) for <paramref name="path"/> relative to
    /// <paramref name="directory"/>; 0, or the errno of the refusal.</summary>
    /// <exception cref="DllNotFoundException">No libc (not Linux).</exception>
    /// <exception cref="EntryPointNotFoundException">A libc without <c>statx</c>.</exception>
    public static int Read(int directory, string path, int flags, uint mask, byte* buffer) =>
        Statx(directory, path, flags, mask, buffer) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>The fields the kernel filled in (<c>stx_mask</c>).</summary>
    public static uint Mask(byte* buffer) => *(uint*)buffer;

    /// <summary><c>stx_mode</c>: file type and permission bits.</summary>
    public static ushort Mode(byte* buffer) => *(ushort*)(buffer + 28);

    /// <summary><c>stx_ino</c>.</summary>
    public static ulong Inode(byte* buffer) => *(ulong*)(buffer + 32);

    /// <summary><c>stx_dev_major</c>.</summary>
    public static uint DeviceMajor(byte* buffer) => *(uint*)(buffer + 136);

    /// <summary><c>stx_dev_minor</c>.</summary>
    public static uint DeviceMinor(byte* buffer) => *(uint*)(buffer + 140);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
