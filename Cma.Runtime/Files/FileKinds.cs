namespace Cma.Runtime.Files;

/// <summary>
/// Tells what a path names without opening it: opening a named pipe for reading blocks until a writer comes, so a
/// command must look before it opens. On Linux this is <see cref="LinuxStatx"/> (the type is in the top bits of <c>stx_mode</c>),
/// following symbolic links; elsewhere, or
/// when <c>statx</c> is refused, the answer is what .NET can tell (missing, directory, or a file taken to be regular).
/// </summary>
internal static partial class FileKinds
{
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
        byte* buffer = stackalloc byte[LinuxStatx.Size];
        try
        {
            int errno = LinuxStatx.Read(LinuxStatx.AtCurrentDirectory, path, 0, LinuxStatx.TypeField, buffer);
            if (errno != 0)
            {
                // ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP: nothing there to read. Anything else (EACCES, ENOSYS, EPERM from a
                // sandbox): let .NET's own checks and the open decide.
                return errno is 2 or 20 or 36 or 40;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
        if ((LinuxStatx.Mask(buffer) & LinuxStatx.TypeField) == 0)
            return false;
        kind = (LinuxStatx.Mode(buffer) & 0xF000) switch
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
}
