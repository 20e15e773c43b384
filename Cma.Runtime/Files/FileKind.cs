namespace Cma.Runtime.Files;

/// <summary>What a path names, as far as a command that reads or writes it cares: nothing, a regular file, a directory,
/// or a special file (a named pipe blocks the reader until a writer comes; a device like <c>/dev/zero</c> never ends).</summary>
internal enum FileKind
{
    /// <summary>Nothing exists there (or a symbolic link points nowhere).</summary>
    Missing,

    /// <summary>A regular file: it can be read from the start more than once, and it ends.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A named pipe (FIFO).</summary>
    Fifo,

    /// <summary>A character device, e.g. <c>/dev/null</c> or <c>/dev/zero</c>.</summary>
    CharacterDevice,

    /// <summary>A block device, e.g. a disk.</summary>
    BlockDevice,

    /// <summary>A Unix domain socket.</summary>
    Socket,
}
