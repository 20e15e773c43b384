namespace Cma.Conformance;

/// <summary>Exact placement through the session: every reserve is checked against the model, and a refusal must
/// leave the stats exactly as they were.</summary>
internal sealed partial class AllocatorSession
{
    /// <summary>The allocator's <see cref="ICmaExactPlacement"/>; the checks that call this run only on allocators
    /// that implement it.</summary>
    private ICmaExactPlacement Exact => _allocator as ICmaExactPlacement
        ?? throw new InvalidOperationException("An exact-placement check ran on an allocator without ICmaExactPlacement.");

    /// <summary>Whether the allocator may refuse a free range it cannot represent (a buddy's non-blocks), so that the
    /// checks expect only "success ⇒ was free".</summary>
    public bool ReserveMayRefuse => Context.Options.Capabilities.ReserveMayRefuse(Traits);

    /// <summary>Calls TryReserve. A success is verified like a placement (inside the region, disjoint from every live
    /// allocation) and must have been free by the footprint model (<see cref="FootprintOverlap"/>); a refusal must
    /// leave the stats exactly as they were. Stats are checked afterwards either way.</summary>
    public bool TryReserve(ulong address, ulong size)
    {
        CmaAllocatorStats before = Stats();
        LiveAllocation? occupied = FootprintOverlap(address, Footprint(address, size));
        bool reserved;
        try
        {
            reserved = Exact.TryReserve(address, size);
        }
        catch (Exception e)
        {
            Record(new LoggedOperation(false, size, 0, address, false, IsReserve: true));
            throw Fail($"TryReserve(0x{address:X}, {ByteText.Size(size)}) threw {e.GetType().Name}: {e.Message} " +
                "A reserve of an occupied or unrepresentable range returns false; it never throws.", e);
        }
        Record(new LoggedOperation(false, size, 0, address, reserved, IsReserve: true));
        if (reserved)
        {
            if (occupied is { } live)
                throw Fail($"TryReserve(0x{address:X}, {ByteText.Size(size)}) returned true, but what it reserves ({ByteText.Size(Footprint(address, size))} from its address) overlaps the live allocation " +
                    $"{ByteText.Range(live.Address, live.Size)} (which reserves {ByteText.Size(live.Reserved)} from its address): a reserve succeeds only on free space.");
            if (Model.Verify(address, size, Granule) is { } problem)
                throw Fail($"TryReserve(0x{address:X}, {ByteText.Size(size)}) returned true, but {problem}");
            Model.Add(address, size);
            CheckStats();
            return true;
        }
        CmaAllocatorStats after = Stats();
        if (after != before)
            throw Fail($"TryReserve(0x{address:X}, {ByteText.Size(size)}) returned false but changed the stats from {ByteText.Stats(before)} " +
                $"to {ByteText.Stats(after)}: a refused reserve must change nothing.");
        CheckStats();
        return false;
    }

    /// <summary>Calls TryReserve on a range the model says is free; fails the check if it is refused, unless the
    /// allocator may refuse free ranges, then returns false. <paramref name="why"/> says why the range is free.</summary>
    public bool Reserve(ulong address, ulong size, string why)
    {
        if (TryReserve(address, size))
            return true;
        if (ReserveMayRefuse)
            return false;
        throw Fail($"TryReserve(0x{address:X}, {ByteText.Size(size)}) returned false, but {why} " +
            "(a reserve is refused only where some of the range is not free).");
    }

    /// <summary>Calls TryReserve on a range that is not free and fails the check if it succeeds (the session then
    /// also sees that the stats did not change).</summary>
    public void ReserveMustFail(ulong address, ulong size, string why)
    {
        if (TryReserve(address, size))
            throw Fail($"TryReserve(0x{address:X}, {ByteText.Size(size)}) returned true, but {why}");
    }

    /// <summary>The bytes an allocation of <paramref name="size"/> at <paramref name="address"/> occupies: what it
    /// reserves per the traits, cut at the region's end.</summary>
    public ulong Footprint(ulong address, ulong size) => Math.Min(Traits.ReservedBytes(size), Region.End - address);

    /// <summary>The live allocation whose footprint — from its address, what it reserves per the traits, cut at the
    /// region's end — overlaps <c>[address, address + size)</c>, or null when the range is free. O(live).</summary>
    public LiveAllocation? FootprintOverlap(ulong address, ulong size)
    {
        ulong end = address + size;
        foreach (LiveAllocation live in Model.ToArrayByAddress())
        {
            ulong footprintEnd = live.Address + Footprint(live.Address, live.Size);
            if (live.Address < end && footprintEnd > address)
                return live;
        }
        return null;
    }
}
