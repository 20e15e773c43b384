using Microsoft.Win32.SafeHandles;

namespace Cma.Runtime.Memory;

/// <summary>
/// The file behind a File or Shared region, opened and owned by this process for the region's lifetime.
/// <para>Ownership: one process owns a backing file. It becomes the owner by taking the file's advisory lock
/// (<see cref="PosixFileLock"/>) on the descriptor it opened, before anything about the file changes (no truncate, no
/// resize, no write), and stays the owner until the region is released and the descriptor closed (or the process dies,
/// which releases the lock with it). A process that finds the lock taken fails to start the region, naming the file and
/// the owner's pid, and leaves the file alone. Within this process, a registry by <see cref="FileIdentity"/> (device and
/// inode, not path text) refuses a second region over a file already mapped, whatever path reaches it.</para>
/// <para>Readers are not owners: another process may open the file and map chunks read-only (or be handed a
/// descriptor); it takes no lock and is not refused. The lock is advisory: it binds Cma hosts, not every program.</para>
/// <para>The owner empties the file when it takes it (<see cref="Empty"/>): chunks do not persist across runs yet, so
/// a restarted region is empty and never hands out the previous run's bytes.</para>
/// <para>A Shared file is unlinked when its owner releases it — while still holding the lock, and only while its path
/// still names the file this process owns; a File is kept.</para>
/// Concurrency: <see cref="Acquire"/> and <see cref="Dispose"/> are serialized process-wide (start-up and shutdown only).
/// </summary>
internal sealed class BackingFile : IDisposable
{
    /// <summary>Serializes acquiring and releasing, so the registry and the locks agree.</summary>
    private static readonly Lock s_sync = new();

    /// <summary>Every backing file this process owns, by identity; an entry lives exactly as long as its lock.</summary>
    private static readonly Dictionary<FileIdentity, BackingFile> s_owned = [];

    /// <summary>How many times <see cref="Acquire"/> opens again after the path changed under it (the previous owner
    /// unlinked or replaced the file between this process's open and its lock).</summary>
    private const int Attempts = 3;

    /// <summary>Set once, under <see cref="s_sync"/>, when ownership is given up.</summary>
    private bool _disposed;

    private BackingFile(SafeFileHandle handle, FileIdentity identity, string path, CmaBacking backing, string region, string field)
    {
        Handle = handle;
        Identity = identity;
        Path = path;
        Backing = backing;
        Region = region;
        Field = field;
    }

    /// <summary>The open descriptor, read-write; it holds the lock until disposed.</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>The file's device and inode.</summary>
    public FileIdentity Identity { get; }

    /// <summary>The path the region configured (absolute).</summary>
    public string Path { get; }

    /// <summary>File or Shared.</summary>
    public CmaBacking Backing { get; }

    /// <summary>The region that maps the file.</summary>
    public string Region { get; }

    /// <summary>The region's configuration field (<c>Cma:Regions:0</c>), for messages.</summary>
    public string Field { get; }

    /// <summary>Opens (creating if missing) and takes ownership of <paramref name="path"/>, the <paramref name="backing"/>
    /// file of region <paramref name="region"/> (configuration field <paramref name="field"/>, for messages). Throws
    /// <see cref="BackingFileConflictException"/> when another process or another region of this process owns it (the
    /// file unchanged), or the exceptions of opening a file.</summary>
    public static BackingFile Acquire(string path, CmaBacking backing, string region, string field)
    {
        lock (s_sync)
        {
            for (int attempt = 1; ; attempt++)
            {
                if (TryAcquire(path, backing, region, field) is { } file)
                    return file;
                if (attempt == Attempts)
                    throw new IOException($"'{path}' kept changing while region '{region}' was taking ownership of it (another process unlinks or replaces it); try again.");
            }
        }
    }

    /// <summary>One attempt of <see cref="Acquire"/>: the owned file, or null when the path no longer names the file
    /// opened and locked (it must be opened again).</summary>
    private static BackingFile? TryAcquire(string path, CmaBacking backing, string region, string field)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        try
        {
            FileIdentity identity = FileIdentity.Of(handle);
            if (s_owned.TryGetValue(identity, out BackingFile? owner))
                throw BackingFileConflictException.SameFile(region, path, owner);
            if (!PosixFileLock.TryLockWhole(handle))
                throw BackingFileConflictException.OwnedElsewhere(region, path, PosixFileLock.FindOwner(identity));
            if (FileIdentity.Of(path) != identity)
            {
                handle.Dispose();   // locked a file the path no longer names: drop it and open the path again
                return null;
            }
            var file = new BackingFile(handle, identity, path, backing, region, field);
            s_owned.Add(identity, file);
            return file;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Empties the file and sizes it to <paramref name="size"/> bytes, all zero: a region starts empty, so no
    /// chunk is handed out holding a previous run's (or a leftover's) bytes. Cheap whatever the size: truncating to 0
    /// and back leaves a sparse file, not <paramref name="size"/> bytes written. Call only as the owner.</summary>
    public void Empty(ulong size)
    {
        RandomAccess.SetLength(Handle, 0);
        RandomAccess.SetLength(Handle, (long)size);
    }

    /// <summary>Keeps the file's bytes (a persisted region reopening): only sizes it to <paramref name="size"/> bytes when it
    /// is shorter (a new tail reads as zero). Call only as the owner.</summary>
    public void Keep(ulong size)
    {
        if ((ulong)RandomAccess.GetLength(Handle) < size)
            RandomAccess.SetLength(Handle, (long)size);
    }

    /// <summary>Whether a Shared file stays when the owner stops (a persisted region's), instead of being unlinked.</summary>
    public bool KeepOnDispose { get; set; }

    /// <summary>Gives up ownership: a Shared file is unlinked (while the lock is still held, and only if the path still
    /// names this file), then the descriptor is closed, which releases the lock.</summary>
    public void Dispose()
    {
        lock (s_sync)
        {
            if (_disposed)
                return;
            _disposed = true;
            try
            {
                if (Backing == CmaBacking.Shared && !KeepOnDispose && FileIdentity.Of(Path) == Identity)
                    File.Delete(Path);
            }
            finally
            {
                s_owned.Remove(Identity);
                Handle.Dispose();
            }
        }
    }
}
