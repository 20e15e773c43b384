using System.Buffers;

namespace Cma.Runtime.Memory;

/// <summary>
/// The <see cref="Memory{T}"/> of a <see cref="CmaBuffer"/> (or of one slice of it): every use — <c>Span</c>,
/// <c>Pin</c> — first checks that the buffer is live and its region still mapped, and throws
/// <see cref="ObjectDisposedException"/> otherwise, so a freed buffer's memory never reaches bytes that another chunk
/// may now own. A span or pointer obtained before the free cannot be revoked.
/// </summary>
internal sealed unsafe class ChunkMemoryManager : MemoryManager<byte>
{
    /// <summary>The buffer whose bytes these are; its liveness is checked on every use.</summary>
    private readonly CmaBuffer _buffer;

    /// <summary>Offset of the first byte in the buffer; <c>_offset + _length</c> is within the buffer's size.</summary>
    private readonly ulong _offset;

    /// <summary>Bytes covered (a <see cref="Memory{T}"/> holds at most <see cref="int.MaxValue"/>).</summary>
    private readonly int _length;

    public ChunkMemoryManager(CmaBuffer buffer, ulong offset, int length)
    {
        _buffer = buffer;
        _offset = offset;
        _length = length;
    }

    /// <inheritdoc/>
    public override Span<byte> GetSpan()
    {
        _buffer.ThrowIfUnusable();
        return RegionMemory.Bytes(_buffer.Address + _offset, _length);
    }

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, _length);
        _buffer.ThrowIfUnusable();
        // Native memory does not move: there is nothing to pin, only a pointer to hand out.
        return new MemoryHandle((void*)(_buffer.Address + _offset + (ulong)elementIndex));
    }

    /// <inheritdoc/>
    public override void Unpin()
    {
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
    }
}
