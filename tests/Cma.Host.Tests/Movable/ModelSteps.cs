namespace Cma.Host.Tests.Movable;

/// <summary>The random steps of <see cref="ReusableModelTests"/>: each does one operation on the host and updates the
/// model, asserting what the operation itself promises (its outcome explained, bytes of the chunks it touched).</summary>
internal sealed class ModelSteps(MovableModel model, Random random, string list, bool exactFree, int pinWeight)
{
    private static readonly ulong[] ContiguousSizes = [16 * 1024, 32 * 1024, 64 * 1024, 128 * 1024, 256 * 1024];

    private int _nextSeed = 1;

    /// <summary>The reusable region's free bytes as the plugin reported them after the last contiguous change.</summary>
    private ulong? _plugFree;

    public bool ExactFree { get; } = exactFree;

    /// <summary>How contiguous requests ended.</summary>
    public Dictionary<CmaOutcome, int> Outcomes { get; } = [];

    private CmaService Service => model.Host.Service;

    /// <summary>Does one random step; returns its description (for failure messages).</summary>
    public string Step(int step)
    {
        _plugFree ??= Service.GetRegion("r").FreeBytes;
        int total = 4 + 2 + 5 + 2 + 2 * pinWeight + pinWeight + 2 + 2 + 1 + 1;
        int pick = random.Next(total);
        string what = (pick -= 4) < 0 ? AllocateContiguous()
            : (pick -= 2) < 0 ? FreeContiguous()
            : (pick -= 5) < 0 ? AllocateMovable(random.Next(3) == 0)
            : (pick -= 2) < 0 ? WriteThroughShortPin()
            : (pick -= 2 * pinWeight) < 0 ? HoldPin(longTerm: false)
            : (pick -= pinWeight) < 0 ? HoldPin(longTerm: true)
            : (pick -= 2) < 0 ? Unpin()
            : (pick -= 2) < 0 ? FreeMovable(byAddress: random.Next(2) == 0)
            : (pick -= 1) < 0 ? Compact()
            : FreeMovable(byAddress: false);
        what = $"step {step} ({what})";
        Assert.True(_plugFree == Service.GetRegion("r").FreeBytes, $"{what}: the plugin's free bytes changed without a contiguous change");
        return what;
    }

    private ModelChunk? PickMovable(bool live) =>
        model.Movables.Where(c => !live || !c.Handle.IsDiscarded).ToArray() is { Length: > 0 } a ? a[random.Next(a.Length)] : null;

    private string AllocateContiguous()
    {
        ulong size = ContiguousSizes[random.Next(ContiguousSizes.Length)];
        CmaRegionSnapshot before = Service.GetRegion("r");
        bool anyPinned = model.LiveIn("r").Any(c => c.Pins.Count > 0);
        bool anyImmovable = model.LiveIn("r").Any(c => !c.Handle.IsDiscardable);
        bool[] discardedBefore = [.. model.Movables.Select(c => c.Handle.IsDiscarded)];
        (ulong, string)[] placesBefore = [.. model.Movables.Select(c => (c.Handle.Address, c.Handle.Region))];
        CmaOutcome outcome = Service.TryAllocateFrom("r", size, 0, out CmaChunk chunk);
        Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
        CmaRegionSnapshot after = Service.GetRegion("r");
        switch (outcome)
        {
            case CmaOutcome.Ok:
                model.Contiguous.Add(chunk.Address, chunk);
                _plugFree = after.FreeBytes;
                break;
            case CmaOutcome.Pinned:
                Assert.True(anyPinned, "Pinned, but no movable chunk of the region was pinned");
                Assert.Equal(before.BlockedByPins + 1, after.BlockedByPins);
                break;
            case CmaOutcome.NoRoomToMigrate:
                Assert.True(anyImmovable, "NoRoomToMigrate, but every movable chunk of the region was discardable");
                Assert.Equal(before.BlockedNoRoom + 1, after.BlockedNoRoom);
                break;
            case CmaOutcome.NoSpace:
                Assert.True(before.LargestFreeBlock < size, $"NoSpace for {size}, but the plugin's largest free block was {before.LargestFreeBlock}");
                break;
            default:
                Assert.Fail($"unexpected outcome {outcome}");
                break;
        }
        if (outcome != CmaOutcome.Ok)
            Assert.Equal(before.FreeBytes, after.FreeBytes);
        for (int i = 0; i < discardedBefore.Length; i++)
        {
            ModelChunk c = model.Movables[i];
            Assert.False(c.Handle.IsDiscarded && !discardedBefore[i] && (!c.Handle.IsDiscardable || c.Pins.Count > 0),
                $"{c.Handle} was discarded although it was not discardable or was pinned");
            if (!c.Handle.IsDiscarded && placesBefore[i] != (c.Handle.Address, c.Handle.Region))
                model.CheckBytes(c, $"after a contiguous {outcome}");   // moved: its bytes followed it
        }
        return $"contiguous {size}: {outcome}";
    }

    private string FreeContiguous()
    {
        if (model.Contiguous.Count == 0)
            return "no contiguous chunk to free";
        ulong at = model.Contiguous.Keys.ElementAt(random.Next(model.Contiguous.Count));
        Service.Free(at);
        model.Contiguous.Remove(at);
        _plugFree = Service.GetRegion("r").FreeBytes;
        return $"free contiguous 0x{at:X}";
    }

    private string AllocateMovable(bool discardable)
    {
        ulong size = random.Next(4) == 0 ? (ulong)random.Next(1, 40_000) : (ulong)random.Next(1, 17) * 4096;
        ulong alignment = random.Next(6) switch { 0 => 16 * 1024, 1 => 64 * 1024, _ => 0 };
        CmaOutcome outcome = Service.TryAllocateMovableFrom(list, size, alignment, discardable, out CmaMovableChunk? chunk);
        if (outcome != CmaOutcome.Ok)
        {
            Assert.Equal(CmaOutcome.NoSpace, outcome);
            return $"movable {size}: {outcome}";
        }
        var c = new ModelChunk(chunk!, _nextSeed++, alignment);
        Assert.Equal(size, chunk!.Size);
        using (CmaPin pin = chunk.Pin())
            MovableModel.Write(pin, c.Seed);
        model.Movables.Add(c);
        return $"movable {size}{(discardable ? " discardable" : "")} at 0x{chunk.Address:X} in {chunk.Region}";
    }

    private string WriteThroughShortPin()
    {
        if (PickMovable(live: true) is not { } c)
            return "nothing to write";
        model.CheckBytes(c, "before a write");
        c.Seed = _nextSeed++;
        using (CmaPin pin = c.Handle.Pin())
            MovableModel.Write(pin, c.Seed);
        return $"write {c.Handle}";
    }

    private string HoldPin(bool longTerm)
    {
        if (PickMovable(live: false) is not { } c)
            return "nothing to pin";
        string region = c.Handle.Region;
        ulong at = c.Handle.Address;
        CmaOutcome outcome = c.Handle.TryPin(longTerm, out CmaPin? pin);
        if (c.Handle.IsDiscarded)
        {
            Assert.Equal(CmaOutcome.Discarded, outcome);
            return "pin of a discarded chunk";
        }
        Assert.Equal(CmaOutcome.Ok, outcome);
        Assert.Equal(c.Handle.Address, pin!.Address);
        if (c.Pins.Count > 0 || !longTerm || region != "r")
            Assert.Equal(at, pin.Address);    // only a first long-term pin moves a chunk, and only out of the reusable region
        c.Pins.Add((pin, c.Handle.Region));
        model.CheckBytes(c, "after a pin");
        return $"{(longTerm ? "long-term " : "")}pin {c.Handle}";
    }

    private string Unpin()
    {
        if (model.Movables.Where(c => c.Pins.Count > 0).ToArray() is not { Length: > 0 } pinned)
            return "nothing to unpin";
        ModelChunk c = pinned[random.Next(pinned.Length)];
        int k = random.Next(c.Pins.Count);
        (CmaPin pin, string region) = c.Pins[k];
        Assert.Equal(pin.Address, c.Handle.Address);
        Assert.Equal(region, c.Handle.Region);
        int pins = c.Handle.PinCount;
        pin.Dispose();
        c.Pins.RemoveAt(k);
        Assert.Equal(pins - 1, c.Handle.PinCount);
        return $"unpin {c.Handle}";
    }

    private string FreeMovable(bool byAddress)
    {
        if (PickMovable(live: byAddress) is not { } c)
            return "no movable chunk to free";
        string what = c.Handle.ToString();
        if (byAddress)
            Service.Free(c.Handle.Address);
        else
            c.Handle.Dispose();
        Assert.True(c.Handle.IsFreed, $"{what} is not freed");
        foreach ((CmaPin pin, _) in c.Pins)
        {
            Assert.Throws<ObjectDisposedException>(() => pin.Span.Length);
            pin.Dispose();
        }
        c.Handle.Dispose();   // a second free does nothing
        model.Movables.Remove(c);
        return $"free {what}{(byAddress ? " by address" : "")}";
    }

    private string Compact()
    {
        var pinned = model.Movables.Where(c => c.Pins.Count > 0).ToDictionary(c => c, c => c.Handle.Address);
        IReadOnlyList<CmaMove> moves = Service.Compact("r");
        foreach (CmaMove m in moves)
        {
            Assert.Equal(CmaMoveReason.Compaction, m.Reason);
            Assert.DoesNotContain(pinned.Values, a => a == m.From);
            if (model.Movables.FirstOrDefault(c => c.Handle.Address == m.To && c.Handle.Region == "r") is { } moved)
                model.CheckBytes(moved, "after compaction");
        }
        return $"compact: {moves.Count} moves";
    }
}
