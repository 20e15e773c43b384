using Cma.Runtime.Memory;
using Cma.Runtime.Regions;

namespace Cma.Runtime;

/// <summary>
/// A live chunk handed to a caller as bytes: its address, size, region and owner, and — when the region is backed
/// (Native, File or Shared) — its bytes as <see cref="Span"/>, <see cref="Memory"/> and <see cref="Pointer"/>.
/// <see cref="Dispose"/> frees the chunk (once; later calls do nothing). After that, or after the host is disposed,
/// <see cref="Span"/>, <see cref="Memory"/>, <see cref="Pointer"/>, the slice methods and any <see cref="Memory{T}"/>
/// taken from this buffer throw <see cref="ObjectDisposedException"/> instead of touching bytes another chunk may own.
/// A <see cref="Span{T}"/>, pointer or pinned handle obtained <i>before</i> the free cannot be revoked: do not keep one
/// past the buffer's lifetime.
/// </summary>
/// <remarks>
/// Thread safety: the properties may be read from any thread; <see cref="Dispose"/> may race with itself safely (one
/// call frees). A buffer that is never disposed holds its chunk until the host is disposed (there is no finalizer: a
/// finalizer thread freeing chunks would race with the application's own use of raw pointers).
/// </remarks>
public sealed class CmaBuffer : IDisposable
{
    /// <summary>The service that frees the chunk.</summary>
    private readonly CmaService _service;

    /// <summary>The region the chunk lies in.</summary>
    private readonly Region _region;

    /// <summary>The region's bytes, or null for an address-space-only region.</summary>
    private readonly RegionMemory? _memory;

    /// <summary>0 while the chunk is live; 1 once <see cref="Dispose"/> has begun (never goes back).</summary>
    private int _freed;

    /// <summary>The whole-buffer memory manager, made on first use of <see cref="Memory"/>.</summary>
    private ChunkMemoryManager? _manager;

    internal CmaBuffer(CmaService service, Region region, ulong address, ulong size, string owner)
    {
        _service = service;
        _region = region;
        _memory = region.Memory;
        Address = address;
        Size = size;
        Owner = owner;
    }

    /// <summary>The chunk's first byte. For a backed region this is a real pointer value; for an address-space-only
    /// region, a planning address.</summary>
    public ulong Address { get; }

    /// <summary>The bytes the caller asked for (the chunk may reserve more: granule rounding and guard bytes).</summary>
    public ulong Size { get; }

    /// <summary>The name of the region the chunk lies in.</summary>
    public string Region => _region.Info.Name;

    /// <summary>The device/type that allocated it ("camera/preview"); empty for allocations from named regions.</summary>
    public string Owner { get; }

    /// <summary>What stands behind the region.</summary>
    public CmaBacking Backing => _memory?.Backing ?? CmaBacking.None;

    /// <summary>The chunk's offset from the region's start: for File and Shared regions, its offset in the file, which
    /// another process maps to see the same bytes.</summary>
    public ulong RegionOffset => Address - _region.Info.Start;

    /// <summary>Whether the buffer has been freed.</summary>
    public bool IsDisposed => Volatile.Read(ref _freed) != 0;

    /// <summary>The first byte as a pointer, for native code. Throws <see cref="ObjectDisposedException"/> once freed and
    /// <see cref="InvalidOperationException"/> for an address-space-only region.</summary>
    public nint Pointer
    {
        get
        {
            ThrowIfUnusable();
            return (nint)Address;
        }
    }

    /// <summary>The bytes. Throws <see cref="InvalidOperationException"/> for a buffer of 2 GiB or more (use
    /// <see cref="GetSpan"/>), besides the exceptions of <see cref="Pointer"/>.</summary>
    public Span<byte> Span => GetSpan(0, WholeLength());

    /// <summary>The bytes as <see cref="Memory{T}"/>, checked on every use (see the class remarks). Throws as <see cref="Span"/>.</summary>
    public Memory<byte> Memory
    {
        get
        {
            int length = WholeLength();
            ThrowIfUnusable();
            _manager ??= new ChunkMemoryManager(this, 0, length);
            return _manager.Memory;
        }
    }

    /// <summary>The bytes <c>[offset, offset + length)</c> of the buffer: the way to reach buffers of 2 GiB or more.</summary>
    public Span<byte> GetSpan(ulong offset, int length)
    {
        CheckSlice(offset, length);
        ThrowIfUnusable();
        return RegionMemory.Bytes(Address + offset, length);
    }

    /// <summary>The bytes <c>[offset, offset + length)</c> as <see cref="Memory{T}"/>, checked on every use like <see cref="Memory"/>.</summary>
    public Memory<byte> Slice(ulong offset, int length)
    {
        CheckSlice(offset, length);
        ThrowIfUnusable();
        return new ChunkMemoryManager(this, offset, length).Memory;
    }

    /// <summary>Frees the chunk (poisoning it and checking its guard bytes if the region says so). Throws
    /// <see cref="CmaGuardOverrunException"/>, after freeing, when its guard bytes were changed. Later calls do nothing.</summary>
    public void Dispose()
    {
        Regions.Region.ThrowIfInsidePluginCall(); // refused before the buffer is marked freed, so that it can be freed later
        if (Interlocked.Exchange(ref _freed, 1) != 0)
            return;
        if (_service.FreeBuffer(Address, _region) is { } overrun)
            throw new CmaGuardOverrunException(overrun);
    }

    /// <inheritdoc/>
    public override string ToString() => $"0x{Address:X}+{Size} in {Region}{(IsDisposed ? " (freed)" : "")}";

    /// <summary>Throws unless the buffer is live and its bytes are mapped.</summary>
    internal void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _freed) != 0, this);
        if (_memory is null)
            throw new InvalidOperationException($"Region '{Region}' is address space only (Backing None): its chunks have no bytes. Set \"Backing\": \"Native\", \"File\" or \"Shared\" on the region.");
        if (_memory.IsDisposed)
            throw new ObjectDisposedException(nameof(CmaService), $"The Cma host that owned region '{Region}' was disposed and its memory released.");
    }

    /// <summary>The whole buffer's length as an int, or <see cref="InvalidOperationException"/> when it is 2 GiB or more.</summary>
    private int WholeLength() => Size <= int.MaxValue ? (int)Size
        : throw new InvalidOperationException($"The buffer is {CmaSize.Format(Size)}, more than a Span can hold; use GetSpan(offset, length) or Slice(offset, length) for parts of it.");

    private void CheckSlice(ulong offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset > Size || (ulong)length > Size - offset)
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset}+{length}) is not inside the buffer of {Size} bytes.");
    }
}
