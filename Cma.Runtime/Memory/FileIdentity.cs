using System.Runtime.InteropServices;
using Cma.Runtime.Files;
using Microsoft.Win32.SafeHandles;

namespace Cma.Runtime.Memory;

/// <summary>
/// What makes a file the same file whatever path reaches it: its device and inode (<see cref="LinuxStatx"/>). A symbolic
/// link and the file it names, or two hard links, have one identity; two files with the same text at different times
/// (one unlinked and another created) do not.
/// </summary>
/// <param name="DeviceMajor">The major number of the device holding the file.</param>
/// <param name="DeviceMinor">The minor number of that device.</param>
/// <param name="Inode">The file's inode number on the device.</param>
internal readonly record struct FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode)
{
    /// <summary>The identity of the open file <paramref name="file"/>; throws <see cref="IOException"/> when the system refuses.</summary>
    public static FileIdentity Of(SafeFileHandle file) =>
        TryStat((int)file.DangerousGetHandle(), "", LinuxStatx.AtEmptyPath) ?? throw new IOException($"statx of an open file failed: {Marshal.GetLastPInvokeErrorMessage()}.");

    /// <summary>The identity of the file <paramref name="path"/> names (following symbolic links), or null when there is
    /// none or it cannot be read.</summary>
    public static FileIdentity? Of(string path) => TryStat(LinuxStatx.AtCurrentDirectory, path, 0);

    /// <inheritdoc/>
    public override string ToString() => $"device {DeviceMajor}:{DeviceMinor}, inode {Inode}";

    private static unsafe FileIdentity? TryStat(int directory, string path, int flags)
    {
        byte* buffer = stackalloc byte[LinuxStatx.Size];
        if (LinuxStatx.Read(directory, path, flags, LinuxStatx.InodeField, buffer) != 0)
            return null;
        return new FileIdentity(LinuxStatx.DeviceMajor(buffer), LinuxStatx.DeviceMinor(buffer), LinuxStatx.Inode(buffer));
    }
}
