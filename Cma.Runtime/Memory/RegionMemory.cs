using System.Runtime.InteropServices;

namespace Cma.Runtime.Memory;

/// <summary>
/// The bytes behind a backed region: a mapping reserved when the host binds the region (Native: aligned process
/// memory; File and Shared: a file mapped at an aligned address, see <see cref="PosixMemoryMap"/>), and the debug
/// options applied to each chunk — zero on allocate, guard bytes after the requested size (filled on allocate,
/// checked on free), poison on free. The region's <see cref="CmaRegion.Start"/> is <see cref="Base"/>, so a plugin's
/// alignment of absolute addresses is the alignment of real pointers.
/// The region records each chunk's requested and reserved sizes and passes them in: this type keeps no chunk table.
/// Concurrency: <see cref="Prepare"/>, <see cref="Release"/> and <see cref="Dispose"/> run under the region's lock;
/// <see cref="IsDisposed"/> may be read without it.
/// </summary>
internal sealed unsafe class RegionMemory : IDisposable
{
    /// <summary>The owned backing file of a File or Shared region (open, locked, until disposed); null for Native.</summary>
    private readonly BackingFile? _file;

    /// <summary>Set once, under the region's lock, when the mapping is released; no byte is touched after.</summary>
    private volatile bool _disposed;

    private RegionMemory(RegionMemoryOptions options, nint mappingBase, ulong size, BackingFile? file = null)
    {
        Options = options;
        _file = file;
        Base = (ulong)mappingBase;
        Size = size;
    }

    /// <summary>The region's backing and debug options.</summary>
    public RegionMemoryOptions Options { get; }

    /// <summary>What stands behind the region.</summary>
    public CmaBacking Backing => Options.Backing;

    /// <summary>The mapping's first byte: the region's start address (kept after disposal, for messages).</summary>
    public ulong Base { get; }

    /// <summary>The mapping's length: the region's size.</summary>
    public ulong Size { get; }

    /// <summary>Whether the mapping has been released (the host was disposed).</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Reserves <paramref name="size"/> bytes for region <paramref name="name"/> (configuration field
    /// <paramref name="field"/>, for messages), aligned to <paramref name="alignment"/> (at least a page), all zero. A
    /// File or Shared region first takes ownership of its file (<see cref="BackingFile"/>), before changing anything
    /// about it, then empties it: the region starts empty, whatever a previous run left in the file.
    /// Throws <see cref="BackingFileConflictException"/> when the file is owned already (by another process, or another
    /// region of this one), and <see cref="OutOfMemoryException"/> or <see cref="IOException"/> (or an access exception
    /// for a file) when the system refuses; the message says what was asked for.</summary>
    public static RegionMemory Map(string name, string field, ulong size, ulong alignment, RegionMemoryOptions options)
    {
        alignment = Math.Max(alignment, (ulong)Environment.SystemPageSize);
        if (options.Backing == CmaBacking.Native)
        {
            void* bytes = NativeMemory.AlignedAlloc((nuint)size, (nuint)alignment);
            return new RegionMemory(options, (nint)bytes, size);
        }
        BackingFile file = BackingFile.Acquire(options.BackingPath!, options.Backing, name, field);
        file.KeepOnDispose = options.Persist;
        try
        {
            if (options.Persist && File.Exists(Persistence.ChunkJournal.PathFor(options.BackingPath!)))
                file.Keep(size);   // its chunks come back from the journal: keep their bytes
            else
                file.Empty(size);
            nint view = PosixMemoryMap.MapFileAligned((int)file.Handle.DangerousGetHandle(), size, alignment);
            return new RegionMemory(options, view, size, file);
        }
        catch
        {
            file.Dispose();   // gives up ownership; a Shared file this process owned is unlinked
            throw;
        }
    }

    /// <summary>Applies the allocate-time options to a chunk just placed at <paramref name="address"/>: zeroes it and
    /// fills its guard zone <c>[requested, reserved)</c>. Caller holds the region's lock.</summary>
    public void Prepare(ulong address, ulong requested, ulong reserved)
    {
        if (_disposed)
            return;
        ulong guard = Options.GuardBytes;
        if (Options.ZeroOnAllocate)
            Fill(address, guard == 0 ? reserved : requested, 0);
        if (guard != 0)
            Fill(address + requested, reserved - requested, RegionMemoryOptions.GuardByte);
    }

    /// <summary>Applies the free-time options to a chunk just freed: checks its guard zone
    /// <c>[requested, reserved)</c>, then poisons it. Returns where the first changed guard byte is (its offset from
    /// <paramref name="address"/>) and how many changed; (0, 0) when none did. Caller holds the region's lock.</summary>
    public (ulong FirstOffset, ulong Changed) Release(ulong address, ulong requested, ulong reserved)
    {
        if (_disposed)
            return default;
        (ulong first, ulong changed) = (0, 0);
        if (Options.GuardBytes != 0)
        {
            (first, changed) = FindChanged(address + requested, reserved - requested, RegionMemoryOptions.GuardByte);
            first += requested;
        }
        if (Options.PoisonByte is byte poison)
            Fill(address, reserved, poison);
        return (first, changed);
    }

    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="from"/> to <paramref name="to"/> (inside
    /// mappings; the ranges may overlap).</summary>
    public static void Copy(ulong from, ulong to, ulong length) => Buffer.MemoryCopy((void*)from, (void*)to, length, length);

    /// <summary>The span over <paramref name="length"/> bytes at <paramref name="address"/> (inside the mapping).</summary>
    public static Span<byte> Bytes(ulong address, int length) => new((void*)address, length);

    /// <summary>Releases the mapping, then the backing file's ownership (a Shared file is unlinked while still owned).
    /// Caller holds the region's lock.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (Options.Backing == CmaBacking.Native)
        {
            NativeMemory.AlignedFree((void*)Base);
        }
        else
        {
            try
            {
                PosixMemoryMap.Unmap((nint)Base, Size);
            }
            finally
            {
                _file!.Dispose();
            }
        }
    }

    /// <summary>Writes <paramref name="value"/> over <c>[address, address + length)</c>, a gigabyte at a time.</summary>
    private static void Fill(ulong address, ulong length, byte value)
    {
        for (ulong done = 0; done < length;)
        {
            int step = (int)Math.Min(length - done, 1UL << 30);
            Bytes(address + done, step).Fill(value);
            done += (ulong)step;
        }
    }

    /// <summary>The offset of the first byte in the range that is not <paramref name="expected"/>, and how many are not.</summary>
    private static (ulong First, ulong Changed) FindChanged(ulong address, ulong length, byte expected)
    {
        ulong first = 0, changed = 0;
        for (ulong done = 0; done < length;)
        {
            int step = (int)Math.Min(length - done, 1UL << 30);
            Span<byte> bytes = Bytes(address + done, step);
            int at = bytes.IndexOfAnyExcept(expected);
            if (at >= 0)
            {
                if (changed == 0)
                    first = done + (ulong)at;
                changed += (ulong)(step - at - bytes[at..].Count(expected));
            }
            done += (ulong)step;
        }
        return (first, changed);
    }
}
