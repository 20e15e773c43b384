using System.Runtime.InteropServices;

namespace Cma.Host;

/// <summary>
/// Tells what a path names without opening it: opening a named pipe for reading blocks until a writer comes, so a
/// command must look before it opens. On Linux this is libc's <c>statx</c> (its buffer has one layout on every
/// architecture; the type is in the top bits of <c>stx_mode</c>, at byte 28), following symbolic links; elsewhere, or
/// when <c>statx</c> is refused, the answer is what .NET can tell (missing, directory, or a file taken to be regular).
/// </summary>
internal static partial class FileKinds
{
    /// <summary><c>AT_FDCWD</c>: relative paths start at the working directory.</summary>
    private const int AtFdCwd = -100;

    /// <summary><c>STATX_TYPE</c>: ask for the file type bits of <c>stx_mode</c>.</summary>
    private const uint StatxType = 0x1;

    /// <summary>Size of <c>struct statx</c>.</summary>
    private const int StatxSize = 256;

    /// <summary>Offset of <c>stx_mode</c> (a 16-bit field) in <c>struct statx</c>.</summary>
    private const int StatxModeOffset = 28;

    /// <summary>Offset of <c>stx_mask</c>: which fields the kernel filled in.</summary>
    private const int StatxMaskOffset = 0;

    /// <summary>What <paramref name="path"/> names; symbolic links are followed.</summary>
    public static FileKind Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsLinux() && TryStatx(path, out FileKind kind))
            return kind;
        return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
    }

    /// <summary>"a directory", "a named pipe (FIFO)", … — for "PATH is …, not a regular file".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        _ => "a socket",
    };

    private static unsafe bool TryStatx(string path, out FileKind kind)
    {
        kind = FileKind.Missing;
        byte* buffer = stackalloc byte[StatxSize];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                // ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP: nothing there to read. Anything else (EACCES, ENOSYS, EPERM from a
                // sandbox): let .NET's own checks and the open decide.
                return errno is 2 or 20 or 36 or 40;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
        if ((*(uint*)(buffer + StatxMaskOffset) & StatxType) == 0)
            return false;
        kind = (*(ushort*)(buffer + StatxModeOffset) & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Regular, // a symbolic link is followed, so no other type is expected
        };
        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
