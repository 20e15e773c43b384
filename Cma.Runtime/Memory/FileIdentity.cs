using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cma.Runtime.Memory;

/// <summary>
/// What makes a file the same file whatever path reaches it: its device and inode (Linux <c>statx</c>). A symbolic
/// link and the file it names, or two hard links, have one identity; two files with the same text at different times
/// (one unlinked and another created) do not.
/// </summary>
/// <param name="DeviceMajor">The major number of the device holding the file.</param>
/// <param name="DeviceMinor">The minor number of that device.</param>
/// <param name="Inode">The file's inode number on the device.</param>
internal readonly partial record struct FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode)
{
    /// <summary>statx's <c>dirfd</c> for paths relative to the working directory.</summary>
    private const int AtCurrentDirectory = -100;

    /// <summary>statx flag: the path is empty and <c>dirfd</c> is the file itself.</summary>
    private const int AtEmptyPath = 0x1000;

    /// <summary>statx mask bit for the inode (the device fields are always filled).</summary>
    private const uint StatxInode = 0x100;

    /// <summary>The size of <c>struct statx</c> (the same on every Linux architecture).</summary>
    private const int StatxSize = 256;

    /// <summary>The identity of the open file <paramref name="file"/>; throws <see cref="IOException"/> when the system refuses.</summary>
    public static FileIdentity Of(SafeFileHandle file) =>
        TryStat((int)file.DangerousGetHandle(), "", AtEmptyPath) ?? throw new IOException($"statx of an open file failed: {Marshal.GetLastPInvokeErrorMessage()}.");

    /// <summary>The identity of the file <paramref name="path"/> names (following symbolic links), or null when there is
    /// none or it cannot be read.</summary>
    public static FileIdentity? Of(string path) => TryStat(AtCurrentDirectory, path, 0);

    /// <inheritdoc/>
    public override string ToString() => $"device {DeviceMajor}:{DeviceMinor}, inode {Inode}";

    private static unsafe FileIdentity? TryStat(int directory, string path, int flags)
    {
        // struct statx: stx_ino at byte 32, stx_dev_major and stx_dev_minor at bytes 136 and 140 (linux/stat.h).
        byte* buffer = stackalloc byte[StatxSize];
        if (Statx(directory, path, flags, StatxInode, buffer) != 0)
            return null;
        return new FileIdentity(*(uint*)(buffer + 136), *(uint*)(buffer + 140), *(ulong*)(buffer + 32));
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
