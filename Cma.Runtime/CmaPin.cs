using Cma.Runtime.Memory;

namespace Cma.Runtime;

/// <summary>
/// A pin on a <see cref="CmaMovableChunk"/> (<see cref="CmaMovableChunk.Pin"/>): while any pin is held the chunk does not
/// move, and its bytes are reachable through <see cref="Span"/> and <see cref="Pointer"/>. Dispose to unpin (once; later
/// calls do nothing). Pins nest. <c>using var pin = chunk.Pin();</c>
/// </summary>
/// <remarks>A span or pointer taken from a pin must not be used after the pin is disposed: the chunk may move then.</remarks>
public sealed class CmaPin : IDisposable
{
    /// <summary>The pinned chunk.</summary>
    private readonly CmaMovableChunk _chunk;

    /// <summary>The region's bytes, or null (address space only).</summary>
    private readonly RegionMemory? _memory;

    /// <summary>1 once disposed.</summary>
    private int _disposed;

    internal CmaPin(CmaMovableChunk chunk, ulong address, bool longTerm)
    {
        _chunk = chunk;
        _memory = chunk.Memory;
        Address = address;
        IsLongTerm = longTerm;
    }

    /// <summary>The chunk's address, fixed while this pin is held.</summary>
    public ulong Address { get; }

    /// <summary>The bytes the chunk's owner asked for.</summary>
    public ulong Size => _chunk.Size;

    /// <summary>Whether this is a long-term pin.</summary>
    public bool IsLongTerm { get; }

    /// <summary>The pinned chunk.</summary>
    public CmaMovableChunk Chunk => _chunk;

    /// <summary>The first byte as a pointer, for native code (backed regions only).</summary>
    public nint Pointer
    {
        get
        {
            ThrowIfUnusable();
            return (nint)Address;
        }
    }

    /// <summary>The bytes. Throws <see cref="InvalidOperationException"/> for an address-space-only region or a chunk of
    /// 2 GiB or more, <see cref="ObjectDisposedException"/> once the pin is disposed or the chunk freed.</summary>
    public Span<byte> Span
    {
        get
        {
            ThrowIfUnusable();
            return RegionMemory.Bytes(Address, Size <= int.MaxValue ? (int)Size
                : throw new InvalidOperationException($"The chunk is {CmaSize.Format(Size)}, more than a Span can hold."));
        }
    }

    /// <summary>Unpins (once).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _chunk.RemovePin();
    }

    /// <inheritdoc/>
    public override string ToString() => $"pin of 0x{Address:X}+{Size}{(IsLongTerm ? " (long-term)" : "")}";

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_chunk.State != CmaMovableChunk.Live)
            throw new ObjectDisposedException(nameof(CmaMovableChunk), $"The movable chunk at 0x{Address:X} was freed while pinned.");
        if (_memory is null)
            throw new InvalidOperationException($"Region '{_chunk.Region}' is address space only (Backing None): its chunks have no bytes.");
        if (_memory.IsDisposed)
            throw new ObjectDisposedException("CmaService", "The Cma host that owned the chunk was disposed and its memory released.");
    }
}
