using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cma.Runtime.Persistence;

/// <summary>The libc calls the journal needs that .NET does not expose: fdatasync on a file, fsync on a directory.</summary>
internal static partial class JournalNative
{
    private const int ReadOnlyDirectory = 0x10000;   // O_RDONLY | O_DIRECTORY (Linux)

    /// <summary>Flushes a file's data (and the metadata needed to read it, such as its length) to the device.</summary>
    /// <exception cref="IOException">fdatasync failed.</exception>
    public static void SyncData(SafeFileHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int descriptor = (int)handle.DangerousGetHandle();
            if ((OperatingSystem.IsLinux() ? Fdatasync(descriptor) : Fsync(descriptor)) != 0)
                throw new IOException($"fdatasync failed: {Marshal.GetLastPInvokeErrorMessage()} (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    /// <summary>Flushes a directory's entries (a rename in it) to the device.</summary>
    /// <exception cref="IOException">The directory could not be opened or synced.</exception>
    public static void SyncDirectory(string directory)
    {
        int descriptor = Open(directory, OperatingSystem.IsLinux() ? ReadOnlyDirectory : 0);
        if (descriptor < 0)
            throw new IOException($"Could not open '{directory}' to sync it: {Marshal.GetLastPInvokeErrorMessage()}.");
        try
        {
            if (Fsync(descriptor) != 0)
                throw new IOException($"fsync of '{directory}' failed: {Marshal.GetLastPInvokeErrorMessage()}.");
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(int descriptor);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
