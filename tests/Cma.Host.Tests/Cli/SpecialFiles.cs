using System.Runtime.InteropServices;

namespace Cma.Host.Tests.Cli;

/// <summary>Makes the special files a hostile-input test needs: .NET creates no named pipes, so libc's <c>mkfifo</c>.</summary>
internal static class SpecialFiles
{
    /// <summary>Creates a named pipe (FIFO) at <paramref name="path"/>; nothing ever writes to it.</summary>
    public static void MakeFifo(string path)
    {
        if (Mkfifo(path, 0x180) != 0) // 0600
            throw new IOException($"mkfifo {path} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
