namespace Cma.Host.Workloads;

/// <summary>Per trace slot holding a movable chunk, its handle and a stack of its pins (a null place for a pin refused
/// because the chunk was discarded, so that the trace's <c>u</c> still matches its <c>p</c>).</summary>
internal sealed class MovableSlots
{
    /// <summary>One slot's chunk and pins (null until its first pin).</summary>
    internal sealed record Entry(CmaMovableChunk Chunk)
    {
        /// <summary>The pins, last taken on top.</summary>
        public Stack<CmaPin?>? Pins { get; set; }
    }

    /// <summary>Per slot, its entry or null.</summary>
    private Entry?[] _entries = new Entry?[1024];

    /// <summary>Records slot <paramref name="slot"/>'s chunk.</summary>
    public void Add(int slot, CmaMovableChunk chunk)
    {
        if (slot >= _entries.Length)
            Array.Resize(ref _entries, Math.Max(slot + 1, _entries.Length * 2));
        _entries[slot] = new Entry(chunk);
    }

    /// <summary>Slot <paramref name="slot"/>'s chunk, or null (a contiguous slot, or a movable request that failed).</summary>
    public CmaMovableChunk? Chunk(int slot) => slot < _entries.Length ? _entries[slot]?.Chunk : null;

    /// <summary>Takes slot <paramref name="slot"/>'s entry when it holds a movable chunk.</summary>
    public bool TryTake(int slot, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Entry? entry)
    {
        entry = slot < _entries.Length ? _entries[slot] : null;
        if (entry is null)
            return false;
        _entries[slot] = null;
        return true;
    }

    /// <summary>Pushes a pin (or a null place) on slot <paramref name="slot"/>'s stack.</summary>
    public void Push(int slot, CmaPin? pin) => (_entries[slot]!.Pins ??= new Stack<CmaPin?>()).Push(pin);

    /// <summary>Pops slot <paramref name="slot"/>'s last pin; false when the slot holds no chunk or no pin.</summary>
    public bool TryPop(int slot, out CmaPin? pin)
    {
        pin = null;
        if (slot >= _entries.Length || _entries[slot]?.Pins is not { Count: > 0 } pins)
            return false;
        pin = pins.Pop();
        return true;
    }
}
