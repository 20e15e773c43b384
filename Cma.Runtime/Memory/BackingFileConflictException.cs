namespace Cma.Runtime.Memory;

/// <summary>
/// A region's backing file is already owned — by another process (which holds its lock) or by another region of this
/// process (reached by the same path or another one: a symbolic or hard link). A configuration problem of the region's
/// <c>BackingPath</c>; nothing about the file was changed.
/// </summary>
internal sealed class BackingFileConflictException : IOException
{
    private BackingFileConflictException(string message)
        : base(message)
    {
    }

    /// <summary>The file is owned by another process, <paramref name="pid"/> if it could be learned.</summary>
    public static BackingFileConflictException OwnedElsewhere(string region, string path, int? pid)
    {
        string owner = pid is int p ? $"process {p}" : "another process (its pid could not be read)";
        return new($"region '{region}' cannot own '{path}': {owner} owns it (it holds the file's lock), and a backing file has one owning process. "
            + $"Stop {(pid is null ? "that process" : owner)}, or give region '{region}' a BackingPath of its own; other processes may still map the file read-only to read chunks.");
    }

    /// <summary>The file is the one region <paramref name="owner"/> of this process already maps.</summary>
    public static BackingFileConflictException SameFile(string region, string path, BackingFile owner)
    {
        string what = path == owner.Path ? $"'{path}', which" : $"'{path}', which is the same file ({owner.Identity}) as '{owner.Path}' that";
        return new($"region '{region}' maps {what} region '{owner.Region}' ({owner.Field}) already maps in this process; two regions over one file would hand out the same bytes. Give each region its own BackingPath.");
    }
}
