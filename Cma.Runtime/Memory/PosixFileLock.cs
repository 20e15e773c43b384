using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cma.Runtime.Memory;

/// <summary>
/// The advisory lock that makes a process the owner of a backing file: a write lock over the whole file on an open file
/// description (Linux <c>fcntl(F_OFD_SETLK)</c>, since 3.15). Unlike a classic POSIX record lock it belongs to the open
/// descriptor, not the process: closing some other descriptor of the same file does not drop it, and two opens in one
/// process conflict too. It does not interact with <c>flock</c>, so a reader that opens the file with .NET's
/// <see cref="FileStream"/> (which takes a shared <c>flock</c>) is not refused. An OFD lock records no pid, so the owner
/// of a lock is found by looking for the descriptor that holds it in <c>/proc/&lt;pid&gt;/fdinfo</c>.
/// </summary>
internal static unsafe partial class PosixFileLock
{
    private const int SetOfdLock = 37;   // F_OFD_SETLK
    private const short WriteLock = 1;   // F_WRLCK
    private const int SeekSet = 0;
    private const int TryAgain = 11;     // EAGAIN
    private const int AccessDenied = 13; // EACCES, also returned for a conflicting lock

    /// <summary>Takes the write lock over the whole file on <paramref name="file"/>'s open description, without waiting.
    /// False when another open description holds a conflicting lock; <see cref="IOException"/> when the system refuses
    /// for another reason (e.g. a file system without OFD locks).</summary>
    public static bool TryLockWhole(SafeFileHandle file)
    {
        var range = new LockRange { Type = WriteLock, Whence = SeekSet, Start = 0, Length = 0 };   // length 0: to the end, however long
        if (Fcntl((int)file.DangerousGetHandle(), SetOfdLock, &range) == 0)
            return true;
        int error = Marshal.GetLastPInvokeError();
        if (error is TryAgain or AccessDenied)
            return false;
        throw new IOException($"fcntl(F_OFD_SETLK) could not lock the file: {Marshal.GetLastPInvokeErrorMessage()} (errno {error}).");
    }

    /// <summary>The pid of another process whose open description of the file <paramref name="identity"/> holds a write
    /// lock on it, or null when none is found (the owner exited meanwhile, or belongs to a user whose <c>/proc</c>
    /// entries this process may not read). Reads <c>/proc</c>: for start-up errors, not for hot paths.</summary>
    public static int? FindOwner(FileIdentity identity)
    {
        foreach (string process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), out int pid) || pid == Environment.ProcessId)
                continue;
            try
            {
                foreach (string descriptor in Directory.EnumerateFileSystemEntries(process + "/fd"))
                {
                    if (FileIdentity.Of(descriptor) == identity && HoldsWriteLock(process + "/fdinfo/" + Path.GetFileName(descriptor)))
                        return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process exited, or is another user's: look at the next.
            }
        }
        return null;
    }

    /// <summary>Whether the fdinfo file of a descriptor lists an OFD write lock held through it, e.g.
    /// <c>lock:	1: OFDLCK ADVISORY  WRITE -1 00:1b:2006 0 EOF</c>.</summary>
    private static bool HoldsWriteLock(string fdinfo)
    {
        foreach (string line in File.ReadLines(fdinfo))
        {
            if (line.StartsWith("lock:", StringComparison.Ordinal) && line.Contains("OFDLCK", StringComparison.Ordinal) && line.Contains("WRITE", StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary><c>struct flock</c> (asm-generic layout, the same on x86-64 and arm64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct LockRange
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, LockRange* range);
}
