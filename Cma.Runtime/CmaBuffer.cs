using System.Diagnostics.CodeAnalysis;
using Cma.Runtime.Memory;
using Cma.Runtime.Regions;

namespace Cma.Runtime;

/// <summary>
/// A live chunk handed to a caller as bytes: its address, size, region and owner, and — when the region is backed
/// (Native, File or Shared) — its bytes as <see cref="Span"/>, <see cref="Memory"/> and <see cref="Pointer"/>.
/// <see cref="Dispose"/> frees the chunk (once; later calls do nothing; it never throws). After that, after the host is
/// disposed, or after the chunk was freed by address (<see cref="ICmaService.TryFree"/>, which <i>retires</i> the
/// buffer), <see cref="Span"/>, <see cref="Memory"/>, <see cref="Pointer"/>, the slice methods and any
/// <see cref="Memory{T}"/> taken from this buffer throw <see cref="ObjectDisposedException"/> instead of touching bytes
/// another chunk may own, and <see cref="Dispose"/> does nothing: a retired buffer never frees the chunk's next owner.
/// A <see cref="Span{T}"/>, pointer or pinned handle obtained <i>before</i> the free cannot be revoked: do not keep one
/// past the buffer's lifetime.
/// </summary>
/// <remarks>
/// Thread safety: the properties may be read from any thread; <see cref="Dispose"/> may race with itself and with a free
/// by address safely (exactly one of them frees). A buffer that is never disposed holds its chunk until the host is
/// disposed (there is no finalizer: a finalizer thread freeing chunks would race with the application's own use of raw
/// pointers).
/// </remarks>
public sealed class CmaBuffer : IDisposable
{
    /// <summary>The host that handed the chunk out and frees it.</summary>
    private readonly IBufferReleaser _releaser;

    /// <summary>The region the chunk lies in.</summary>
    private readonly Region _region;

    /// <summary>The region's bytes, or null for an address-space-only region.</summary>
    private readonly RegionMemory? _memory;

    /// <summary><see cref="Live"/> while the buffer owns its chunk; then <see cref="Disposed"/> (once <see cref="Dispose"/>
    /// has begun) or <see cref="Retired"/> (its chunk was freed by address). Never goes back to <see cref="Live"/>.</summary>
    private int _state;

    /// <summary>The whole-buffer memory manager, made on first use of <see cref="Memory"/>.</summary>
    private ChunkMemoryManager? _manager;

    /// <summary><see cref="_state"/>: the buffer owns its chunk.</summary>
    private const int Live = 0;

    /// <summary><see cref="_state"/>: <see cref="Dispose"/> freed (or is freeing) the chunk.</summary>
    private const int Disposed = 1;

    /// <summary><see cref="_state"/>: the chunk was freed by address (<see cref="ICmaService.TryFree"/>), retiring the buffer.</summary>
    private const int Retired = 2;

    internal CmaBuffer(IBufferReleaser releaser, Region region, ulong address, ulong size, string owner)
    {
        _releaser = releaser;
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
    /// another process maps to see the same bytes while this host runs. It says nothing about a later run: a restarted
    /// region starts empty.</summary>
    public ulong RegionOffset => Address - _region.Info.Start;

    /// <summary>Whether the buffer no longer owns its chunk: it was disposed, or its chunk was freed by address
    /// (<see cref="ICmaService.TryFree"/>, <see cref="ICmaService.Free"/>), which retires the buffer.</summary>
    public bool IsDisposed => Volatile.Read(ref _state) != Live;

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

    /// <summary>Frees the chunk (poisoning it and checking its guard bytes if the region says so). Never throws: a guard
    /// overrun found here is logged, counted in <c>cma.guard_overruns</c> and raised as
    /// <see cref="ICmaService.GuardOverrun"/>; use <see cref="DisposeChecked"/> to have it thrown. Later calls do nothing.
    /// (The one refusal: a plugin that disposes a buffer from inside one of its own calls gets an
    /// <see cref="InvalidOperationException"/>, and its region is fenced.)</summary>
    public void Dispose() => _ = Free();

    /// <summary>Frees the chunk as <see cref="Dispose"/> does (reporting an overrun the same way), then throws
    /// <see cref="CmaGuardOverrunException"/> when its guard bytes were changed — for code and tests that want an
    /// overrun to fail loudly. The chunk is freed either way. On a buffer already freed it does nothing.</summary>
    public void DisposeChecked()
    {
        if (Free() is { } overrun)
            throw new CmaGuardOverrunException(overrun);
    }

    /// <inheritdoc/>
    public override string ToString() => $"0x{Address:X}+{Size} in {Region}{(IsDisposed ? " (freed)" : "")}";

    /// <summary>Frees the chunk the first time it is called on a live buffer; the overrun found, if any.</summary>
    private CmaGuardOverrun? Free()
    {
        // A call back into the host from inside a plugin call is refused (and fences that plugin's region) before the
        // buffer is marked freed, so that it can still be freed later.
        PluginCallScope.ThrowIfInside();
        return Interlocked.CompareExchange(ref _state, Disposed, Live) != Live ? null : _releaser.Release(this);
    }

    /// <summary>Marks the buffer retired: its chunk was freed by address and may pass to another owner, so the buffer must
    /// neither touch nor free it again. Caller holds the region's lock, in that free's critical section.</summary>
    internal void Retire() => Interlocked.CompareExchange(ref _state, Retired, Live);

    /// <summary>Throws unless the buffer is live and its bytes are mapped.</summary>
    internal void ThrowIfUnusable()
    {
        int state = Volatile.Read(ref _state);
        if (state != Live)
            ThrowFreed(state);
        if (_memory is null)
            throw new InvalidOperationException($"Region '{Region}' is address space only (Backing None): its chunks have no bytes. Set \"Backing\": \"Native\", \"File\" or \"Shared\" on the region.");
        if (_memory.IsDisposed)
            throw new ObjectDisposedException(IBufferReleaser.HostObjectName, $"The Cma host that owned region '{Region}' was disposed and its memory released.");
    }

    [DoesNotReturn]
    private void ThrowFreed(int state) => throw new ObjectDisposedException(nameof(CmaBuffer), state == Retired
        ? $"The chunk at 0x{Address:X} in region '{Region}' was freed by address (TryFree/Free), which retired this buffer: the chunk may belong to another owner now. Free a buffer's chunk with Dispose."
        : $"The buffer at 0x{Address:X} in region '{Region}' was disposed.");

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
