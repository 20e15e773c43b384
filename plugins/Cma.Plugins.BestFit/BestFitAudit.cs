using System.Diagnostics;

namespace Cma.Plugins.BestFit;

/// <summary>
/// The invariant checks of <see cref="BestFitAllocator"/>, compiled into Debug builds only: after each mutation
/// the holes it touched (O(1) hash look-ups), and every <see cref="FullAuditInterval"/>th mutation everything
/// (O(n log n)). A broken invariant throws <see cref="InvalidOperationException"/>: corruption fails loudly.
/// </summary>
internal sealed class BestFitAudit
{
    /// <summary>Every this-many mutations the whole free space is audited.</summary>
    public const int FullAuditInterval = 1024;

    /// <summary>The region the holes must lie in.</summary>
    private readonly CmaRegion _region;

    /// <summary>Storage of every hole.</summary>
    private readonly HoleArena _arena;

    /// <summary>The size-class index under audit.</summary>
    private readonly HoleSizeIndex _bySize;

    /// <summary>The by-start index under audit.</summary>
    private readonly HoleAddressIndex _byStart;

    /// <summary>The by-end index under audit.</summary>
    private readonly HoleAddressIndex _byEnd;

    /// <summary>Mutations so far; schedules the full audit.</summary>
    private long _mutations;

    /// <summary>Creates the checks over one allocator's structures.</summary>
    public BestFitAudit(CmaRegion region, HoleArena arena, HoleSizeIndex bySize, HoleAddressIndex byStart, HoleAddressIndex byEnd)
    {
        _region = region;
        _arena = arena;
        _bySize = bySize;
        _byStart = byStart;
        _byEnd = byEnd;
    }

    /// <summary>After a chunk was placed at [address, address + size): no hole starts or ends inside it at its
    /// edges, and the holes left on either side are sound.</summary>
    [Conditional("DEBUG")]
    public void AfterAllocate(ulong address, ulong size, ulong freeBytes)
    {
        if (!_region.Contains(address, size) || _byStart.Find(address) != HoleArena.Nil || _byEnd.Find(address + size) != HoleArena.Nil)
            Fail($"chunk [0x{address:X}, +0x{size:X}) was placed outside the region or over a hole");
        CheckHole(_byEnd.Find(address));
        CheckHole(_byStart.Find(address + size));
        Tick(freeBytes);
    }

    /// <summary>After [address, address + size) was freed into <paramref name="hole"/>: the hole covers it and is sound.</summary>
    [Conditional("DEBUG")]
    public void AfterFree(int hole, ulong address, ulong size, ulong freeBytes)
    {
        ref Hole h = ref _arena.Items[hole];
        if (address < h.Start || address - h.Start > h.Size || h.Size - (address - h.Start) < size)
            Fail($"freed chunk [0x{address:X}, +0x{size:X}) is not inside its hole");
        CheckHole(hole);
        Tick(freeBytes);
    }

    /// <summary>Counts a mutation and audits everything every <see cref="FullAuditInterval"/>th time.</summary>
    private void Tick(ulong freeBytes)
    {
        if (++_mutations % FullAuditInterval == 0)
            CheckAll(freeBytes);
    }

    /// <summary>One hole: non-empty, granule-aligned, inside the region, found by both edges, touching no other hole.</summary>
    private void CheckHole(int hole)
    {
        if (hole == HoleArena.Nil)
            return;
        ref Hole h = ref _arena.Items[hole];
        ulong granuleMask = _region.Granule - 1;
        if (h.Size == 0 || ((h.Start | h.Size) & granuleMask) != 0 || !_region.Contains(h.Start, h.Size))
            Fail($"hole [0x{h.Start:X}, +0x{h.Size:X}) is empty, unaligned to the granule or outside the region");
        if (_byStart.Find(h.Start) != hole || _byEnd.Find(h.End) != hole)
            Fail($"hole [0x{h.Start:X}, 0x{h.End:X}) is missing from an address index");
        if (_byEnd.Find(h.Start) != HoleArena.Nil || _byStart.Find(h.End) != HoleArena.Nil)
            Fail($"hole [0x{h.Start:X}, 0x{h.End:X}) touches another hole (not coalesced)");
    }

    /// <summary>Everything: every treap, bitmap, range mask and capacity bound (<see cref="HoleSizeIndex.Audit"/>),
    /// the hole count, the free bytes, and that holes sorted by start neither overlap nor touch.</summary>
    private void CheckAll(ulong freeBytes)
    {
        var holes = new List<int>(_arena.Count);
        _bySize.Audit(holes);
        if (holes.Count != _arena.Count || _byStart.Count != _arena.Count || _byEnd.Count != _arena.Count)
            Fail($"{_arena.Count} holes, but the indexes hold {holes.Count} by size, {_byStart.Count} by start, {_byEnd.Count} by end");
        Hole[] items = _arena.Items;
        ulong total = 0;
        foreach (int hole in holes)
        {
            CheckHole(hole);
            total += items[hole].Size;
        }
        if (total != freeBytes)
            Fail($"holes add up to {total} bytes, but {freeBytes} are counted free");
        holes.Sort((a, b) => items[a].Start.CompareTo(items[b].Start));
        for (int i = 1; i < holes.Count; i++)
        {
            if (items[holes[i - 1]].End >= items[holes[i]].Start)
                Fail($"holes at 0x{items[holes[i - 1]].Start:X} and 0x{items[holes[i]].Start:X} overlap or touch");
        }
    }

    /// <summary>Throws the corruption exception.</summary>
    private static void Fail(string what) =>
        throw new InvalidOperationException($"best-fit free space is corrupt: {what}.");
}
