using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Cma.Host.Workloads;

/// <summary>
/// Turns a trace's own ids (tokens, numbers, pointers) into dense slot numbers that are reused after a free, so the
/// replay's per-allocation arrays stay as small as the peak live count. Holds only the live ids.
/// </summary>
/// <typeparam name="TKey">The trace's id type.</typeparam>
internal sealed class SlotTable<TKey>
    where TKey : notnull
{
    /// <summary>Live id → its slot. Exactly the ids allocated and not yet freed.</summary>
    private readonly Dictionary<TKey, int> _live;

    /// <summary>Slots released by a free, reused before new ones; each is below <see cref="_nextSlot"/>.</summary>
    private readonly Stack<int> _freeSlots = new();

    /// <summary>The next never-used slot.</summary>
    private int _nextSlot;

    public SlotTable(IEqualityComparer<TKey>? comparer = null) => _live = new Dictionary<TKey, int>(comparer);

    /// <summary>The dictionary itself, for span lookups over string keys.</summary>
    public Dictionary<TKey, int> Live => _live;

    /// <summary>Live ids.</summary>
    public int Count => _live.Count;

    /// <summary>Makes <paramref name="key"/> live in a fresh slot; the caller checked that it is not live.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Add(TKey key)
    {
        int slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _nextSlot++;
        _live.Add(key, slot);
        return slot;
    }

    /// <summary>Ends <paramref name="key"/>'s life and releases its slot; false (nothing changes) when it is not live.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRemove(TKey key, out int slot)
    {
        if (!_live.Remove(key, out slot))
            return false;
        Release(slot);
        return true;
    }

    /// <summary>Releases a slot whose key the caller already removed from <see cref="Live"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Release(int slot)
    {
        Debug.Assert(slot >= 0 && slot < _nextSlot);
        _freeSlots.Push(slot);
    }
}
