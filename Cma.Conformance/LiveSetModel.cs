using System.Diagnostics;

namespace Cma.Conformance;

/// <summary>
/// The reference model of an allocator's live set: the allocations it has returned and not yet been asked to
/// free, kept as sorted disjoint intervals. It judges each new result (inside the region, aligned, disjoint
/// from every live allocation) and says what <see cref="CmaAllocatorStats.FreeBytes"/> must be.
/// </summary>
/// <remarks>Verify, add and remove cost O(log n) in the number of live allocations; picking the i-th live
/// allocation costs O(1). Not thread-safe.</remarks>
public sealed class LiveSetModel
{
    /// <summary>Live allocations ordered by address; disjoint, so their ends are ordered too.</summary>
    private readonly SortedSet<LiveAllocation> _byAddress = new(AddressOrder.Instance);

    /// <summary>The same allocations in no particular order, for O(1) picking by index.</summary>
    private readonly List<LiveAllocation> _byIndex = [];

    /// <summary>Address → index in <see cref="_byIndex"/>; always consistent with it.</summary>
    private readonly Dictionary<ulong, int> _indexOf = [];

    /// <summary>Creates an empty model of <paramref name="region"/>.</summary>
    /// <param name="region">The region the allocator manages.</param>
    /// <param name="traits">The traits the allocator is held to (how a request is rounded).</param>
    public LiveSetModel(CmaRegion region, CmaAllocatorTraits traits)
    {
        Region = region;
        Traits = traits;
    }

    /// <summary>The region.</summary>
    public CmaRegion Region { get; }

    /// <summary>The traits the allocator is held to.</summary>
    public CmaAllocatorTraits Traits { get; }

    /// <summary>How many allocations are live.</summary>
    public int Count => _byIndex.Count;

    /// <summary>The sum of <see cref="LiveAllocation.Reserved"/> over the live allocations; at most the region size.</summary>
    public ulong ReservedBytes { get; private set; }

    /// <summary>What <see cref="CmaAllocatorStats.FreeBytes"/> must be: the region size minus <see cref="ReservedBytes"/>.</summary>
    public ulong ExpectedFreeBytes => Region.Size - ReservedBytes;

    /// <summary>The live allocation at <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>), in no particular order.</summary>
    /// <param name="index">The index.</param>
    public LiveAllocation this[int index] => _byIndex[index];

    /// <summary>Says what is wrong with a result <c>[address, address + size)</c> for a request aligned to
    /// <paramref name="alignment"/>, or null if it is a valid placement.</summary>
    /// <param name="address">The address the allocator returned.</param>
    /// <param name="size">The requested size (positive).</param>
    /// <param name="alignment">The requested alignment (a power of two).</param>
    /// <returns>The problem in one sentence, or null.</returns>
    public string? Verify(ulong address, ulong size, ulong alignment)
    {
        Debug.Assert(size > 0 && ulong.IsPow2(alignment));
        if (!Region.Contains(address, size))
            return $"the range {ByteText.Range(address, size)} is not inside the region [0x{Region.Start:X}, 0x{Region.End:X}).";
        if ((address & (alignment - 1)) != 0)
            return $"the address 0x{address:X} is not a multiple of the requested alignment {ByteText.Size(alignment)} " +
                $"(it is {ByteText.Size(address & (alignment - 1))} past one; alignment is of the absolute address).";
        if (FindOverlap(address, address + size) is { } live)
            return $"the range {ByteText.Range(address, size)} overlaps the live allocation {ByteText.Range(live.Address, live.Size)}.";
        ulong reserved = Traits.ReservedBytes(size);
        if (reserved > ExpectedFreeBytes)
            return $"with it the live allocations would reserve {ByteText.Size(ReservedBytes)} + {ByteText.Size(reserved)}, " +
                $"more than the region's {ByteText.Size(Region.Size)}, according to Traits ({ByteText.Traits(Traits)}).";
        return null;
    }

    /// <summary>Records a result that <see cref="Verify"/> accepted.</summary>
    /// <param name="address">The address.</param>
    /// <param name="size">The requested size.</param>
    /// <returns>The recorded allocation.</returns>
    public LiveAllocation Add(ulong address, ulong size)
    {
        var live = new LiveAllocation(address, size, Traits.ReservedBytes(size));
        bool added = _byAddress.Add(live);
        Debug.Assert(added, "Verify rejects a range that overlaps a live allocation.");
        _indexOf.Add(address, _byIndex.Count);
        _byIndex.Add(live);
        ReservedBytes += live.Reserved;
        return live;
    }

    /// <summary>Finds the live allocation that starts at <paramref name="address"/>.</summary>
    /// <param name="address">The address.</param>
    /// <param name="live">The allocation, when found.</param>
    /// <returns>Whether one starts there.</returns>
    public bool TryGet(ulong address, out LiveAllocation live)
    {
        if (_indexOf.TryGetValue(address, out int index))
        {
            live = _byIndex[index];
            return true;
        }
        live = default;
        return false;
    }

    /// <summary>Forgets the live allocation that starts at <paramref name="address"/>.</summary>
    /// <param name="address">The address of a live allocation.</param>
    /// <returns>The removed allocation.</returns>
    /// <exception cref="ArgumentException">No live allocation starts at <paramref name="address"/>.</exception>
    public LiveAllocation Remove(ulong address)
    {
        if (!_indexOf.Remove(address, out int index))
            throw new ArgumentException($"No live allocation starts at 0x{address:X}.", nameof(address));
        LiveAllocation live = _byIndex[index];
        LiveAllocation last = _byIndex[^1];
        _byIndex[index] = last;
        _byIndex.RemoveAt(_byIndex.Count - 1);
        if (last.Address != address)
            _indexOf[last.Address] = index;
        _byAddress.Remove(live);
        ReservedBytes -= live.Reserved;
        return live;
    }

    /// <summary>The largest run of the region not covered by a live allocation. O(n).</summary>
    /// <returns>The run's length in bytes.</returns>
    public ulong LargestGap()
    {
        ulong largest = 0;
        ulong cursor = Region.Start;
        foreach (LiveAllocation live in _byAddress)
        {
            largest = Math.Max(largest, live.Address - cursor);
            cursor = live.End;
        }
        return Math.Max(largest, Region.End - cursor);
    }

    /// <summary>The live allocations in address order. O(n).</summary>
    /// <returns>A snapshot.</returns>
    public LiveAllocation[] ToArrayByAddress() => [.. _byAddress];

    /// <summary>The live allocation that overlaps <c>[start, end)</c>, if any: the one with the largest address
    /// below <paramref name="end"/> is the only candidate, since live allocations are disjoint.</summary>
    private LiveAllocation? FindOverlap(ulong start, ulong end)
    {
        if (_byAddress.Count == 0 || _byAddress.Min.Address >= end)
            return null;
        LiveAllocation below = _byAddress.GetViewBetween(_byAddress.Min, new LiveAllocation(end - 1, 0, 0)).Max;
        return below.End > start ? below : null;
    }

    /// <summary>Orders live allocations by address.</summary>
    private sealed class AddressOrder : IComparer<LiveAllocation>
    {
        /// <summary>The one instance.</summary>
        public static readonly AddressOrder Instance = new();

        /// <inheritdoc/>
        public int Compare(LiveAllocation x, LiveAllocation y) => x.Address.CompareTo(y.Address);
    }
}
