using System.Runtime.CompilerServices;

namespace Cma.Host.Workloads;

/// <summary>
/// Per trace slot, where this replay placed the allocation: its address, its size rounded to the granule (0 when the request failed, so its free
/// is skipped) and the bytes the trace asked for. Grows to the reader's highest slot,
/// which is bounded by the peak live count.
/// </summary>
internal sealed class SlotState
{
    /// <summary>Per slot: the address (meaningful only where <see cref="_rounded"/> is not 0).</summary>
    private ulong[] _address = new ulong[1024];

    /// <summary>Per slot: the size given to the allocator; 0 for a failed request or an empty slot.</summary>
    private ulong[] _rounded = new ulong[1024];

    /// <summary>Per slot: the size the trace asked for.</summary>
    private ulong[] _requested = new ulong[1024];

    /// <summary>Records slot <paramref name="slot"/>'s allocation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Set(int slot, ulong address, ulong rounded, ulong requested)
    {
        if (slot >= _address.Length)
        {
            int size = Math.Max(slot + 1, _address.Length * 2);
            Array.Resize(ref _address, size);
            Array.Resize(ref _rounded, size);
            Array.Resize(ref _requested, size);
        }
        _address[slot] = address;
        _rounded[slot] = rounded;
        _requested[slot] = requested;
    }

    /// <summary>Empties slot <paramref name="slot"/>, returning what it held.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (ulong Address, ulong Rounded, ulong Requested) Take(int slot)
    {
        if (slot >= _address.Length)
            return (0, 0, 0);
        (ulong, ulong, ulong) held = (_address[slot], _rounded[slot], _requested[slot]);
        _rounded[slot] = 0;
        return held;
    }
}
