using System.Runtime.InteropServices;
using Cma.Runtime.Configuration;
using Cma.Runtime.Regions;

namespace Cma.Runtime.Memory;

/// <summary>
/// The bytes behind a backed region: a mapping reserved when the host binds the region (Native: aligned process
/// memory; File and Shared: a file mapped at an aligned address, see <see cref="PosixMemoryMap"/>), and the debug
/// options applied to each chunk — zero on allocate, guard bytes after the requested size (filled on allocate,
/// checked on free), poison on free. The region's <see cref="CmaRegion.Start"/> is <see cref="Base"/>, so a plugin's
/// alignment of absolute addresses is the alignment of real pointers.
/// Concurrency: <see cref="Prepare"/>, <see cref="Release"/> and <see cref="Dispose"/> run under the region's lock;
/// <see cref="IsDisposed"/> may be read without it.
/// </summary>
internal sealed unsafe class RegionMemory : IDisposable
{
    /// <summary>Mappings made and not yet released, process-wide (the leak tests read it).</summary>
    private static long s_live;

    /// <summary>Per live chunk of a region with guard bytes, the size its caller asked for (where its guard zone
    /// starts); null when the region has no guard bytes. Holds exactly the chunks prepared and not yet released.</summary>
    private readonly Dictionary<ulong, ulong>? _requested;

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
        _requested = options.GuardBytes > 0 ? [] : null;
        Interlocked.Increment(ref s_live);
    }

    /// <summary>Mappings made and not yet released in this process.</summary>
    public static long LiveMappings => Interlocked.Read(ref s_live);

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

    /// <summary>Reserves the bytes of <paramref name="region"/>, aligned to its alignment (at least a page), all zero. A
    /// File or Shared region first takes ownership of its file (<see cref="BackingFile"/>), before changing anything
    /// about it, then empties it: the region starts empty, whatever a previous run left in the file.
    /// Throws <see cref="BackingFileConflictException"/> when the file is owned already (by another process, or another
    /// region of this one), and <see cref="OutOfMemoryException"/> or <see cref="IOException"/> (or an access exception
    /// for a file) when the system refuses; the message says what was asked for.</summary>
    public static RegionMemory Map(RegionOptions region)
    {
        RegionMemoryOptions options = region.Memory;
        ulong alignment = Math.Max(region.Alignment, (ulong)Environment.SystemPageSize);
        if (options.Backing == CmaBacking.Native)
        {
            void* bytes = NativeMemory.AlignedAlloc((nuint)region.Size, (nuint)alignment);
            return new RegionMemory(options, (nint)bytes, region.Size);
        }
        BackingFile file = BackingFile.Acquire(region);
        try
        {
            file.Empty(region.Size);
            nint view = PosixMemoryMap.MapFileAligned((int)file.Handle.DangerousGetHandle(), region.Size, alignment);
            return new RegionMemory(options, view, region.Size, file);
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
        if (_requested is not null)
        {
            Fill(address + requested, reserved - requested, RegionMemoryOptions.GuardByte);
            _requested[address] = requested;
        }
    }

    /// <summary>Applies the free-time options to a chunk just freed: checks its guard zone, then poisons it. Returns the
    /// overrun found, or null. Caller holds the region's lock.</summary>
    public CmaGuardOverrun? Release(ulong address, ulong reserved, Region region, int owner)
    {
        if (_disposed)
            return null;
        CmaGuardOverrun? overrun = null;
        if (_requested is not null && _requested.Remove(address, out ulong requested))
        {
            (ulong first, ulong changed) = FindChanged(address + requested, reserved - requested, RegionMemoryOptions.GuardByte);
            if (changed > 0)
                overrun = new CmaGuardOverrun
                {
                    Region = region.Info.Name, Address = address, Size = requested, Owner = region.OwnerName(owner),
                    FirstOverwrittenOffset = requested + first, OverwrittenBytes = changed,
                };
        }
        if (Options.PoisonByte is byte poison)
            Fill(address, reserved, poison);
        return overrun;
    }

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
        Interlocked.Decrement(ref s_live);
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
