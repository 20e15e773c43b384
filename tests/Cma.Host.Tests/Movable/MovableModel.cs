using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Movable;

/// <summary>One movable chunk as its owner knows it: the handle, the pattern seed it last wrote, the pins it holds.</summary>
internal sealed class ModelChunk(CmaMovableChunk handle, int seed, ulong alignment = 0)
{
    public CmaMovableChunk Handle { get; } = handle;

    /// <summary>The alignment asked for (0: the granule); every place it moves to keeps it.</summary>
    public ulong Alignment { get; } = alignment;

    public int Seed { get; set; } = seed;

    /// <summary>Short and long-term pins held across steps, with the address and region each saw.</summary>
    public List<(CmaPin Pin, string Region)> Pins { get; } = [];
}

/// <summary>
/// What the owners of a reusable region (and its spill region) know: the contiguous chunks they hold and the movable
/// chunks with the pattern each last wrote and the pins held. <see cref="CheckLayout"/>, <see cref="CheckAccounting"/>
/// and <see cref="CheckBytes"/> compare it with the host.
/// </summary>
internal sealed class MovableModel(TestHost host, string[] regions)
{
    public TestHost Host { get; } = host;

    public string[] Regions { get; } = regions;

    /// <summary>Contiguous chunks held: address → chunk.</summary>
    public Dictionary<ulong, CmaChunk> Contiguous { get; } = [];

    /// <summary>Movable chunks held (live or discarded, not yet freed).</summary>
    public List<ModelChunk> Movables { get; } = [];

    /// <summary>Random bytes, twice over, so that every pattern is one slice of it.</summary>
    private static readonly byte[] Noise = MakeNoise();

    private static byte[] MakeNoise()
    {
        byte[] half = new byte[64 * 1024];
        new Random(4242).NextBytes(half);
        return [.. half, .. half];
    }

    /// <summary>Pattern <paramref name="seed"/> for <paramref name="length"/> bytes (at most 64 KiB).</summary>
    public static ReadOnlySpan<byte> Pattern(int seed, int length) => Noise.AsSpan((int)((uint)seed * 7919u % (64 * 1024)), length);

    /// <summary>Writes pattern <paramref name="seed"/> over the pinned bytes.</summary>
    public static void Write(CmaPin pin, int seed) => Pattern(seed, pin.Span.Length).CopyTo(pin.Span);

    /// <summary>Asserts the pinned bytes hold pattern <paramref name="seed"/>.</summary>
    public static void Verify(CmaPin pin, int seed, string what)
    {
        Span<byte> span = pin.Span;
        ReadOnlySpan<byte> expected = Pattern(seed, span.Length);
        if (!span.SequenceEqual(expected))
        {
            int i = 0;
            while (span[i] == expected[i])
                i++;
            Assert.Fail($"{what}: byte {i} of {span.Length} at 0x{pin.Address:X} is {span[i]}, expected {expected[i]}");
        }
    }

    /// <summary>Asserts the bytes of <paramref name="c"/> (through a short pin) equal its pattern; skips discarded ones.</summary>
    public void CheckBytes(ModelChunk c, string step)
    {
        if (c.Handle.IsDiscarded)
            return;
        Assert.Equal(CmaOutcome.Ok, c.Handle.TryPin(false, out CmaPin? pin));
        using (pin)
            Verify(pin!, c.Seed, $"{step}: {c.Handle}");
    }

    /// <summary>Live (not discarded) movable chunks of the model in <paramref name="region"/>.</summary>
    public IEnumerable<ModelChunk> LiveIn(string region) => Movables.Where(c => !c.Handle.IsDiscarded && c.Handle.Region == region);

    /// <summary>Every live range of each region lies inside it and overlaps no other; pinned chunks did not move.</summary>
    public void CheckLayout(string step)
    {
        foreach (string name in Regions)
        {
            CmaRegionSnapshot s = Host.Service.GetRegion(name);
            var ranges = new List<(ulong At, ulong Size, string What)>();
            foreach (CmaChunk c in Contiguous.Values.Where(c => c.Region == name))
                ranges.Add((c.Address, Round(c.Size, s.Granule), "contiguous"));
            foreach (ModelChunk m in LiveIn(name))
            {
                ranges.Add((m.Handle.Address, Round(m.Handle.Size, s.Granule), m.Handle.ToString()));
                Assert.True(m.Handle.Address % Math.Max(m.Alignment, s.Granule) == 0, $"{step}: {m.Handle} lost its alignment {m.Alignment}");
            }
            ranges.Sort((a, b) => a.At.CompareTo(b.At));
            for (int i = 0; i < ranges.Count; i++)
            {
                (ulong at, ulong size, string what) = ranges[i];
                Assert.True(at >= s.Start && at + size <= s.End, $"{step}: {what} 0x{at:X}+{size} lies outside region {name}");
                if (i > 0)
                    Assert.True(ranges[i - 1].At + ranges[i - 1].Size <= at, $"{step}: {ranges[i - 1].What} overlaps {what} in {name}");
            }
        }
        foreach (ModelChunk m in Movables)
        {
            foreach ((CmaPin pin, string region) in m.Pins)
            {
                Assert.Equal(pin.Address, m.Handle.Address);
                Assert.Equal(region, m.Handle.Region);
            }
        }
    }

    /// <summary>The snapshot's counters equal the model's: movable chunks and bytes, pinned and contiguous chunks, and
    /// (for allocators that reserve exactly the granule-rounded size) the plugin's free bytes.</summary>
    public void CheckAccounting(string step, bool exactFree)
    {
        foreach (string name in Regions)
        {
            CmaRegionSnapshot s = Host.Service.GetRegion(name);
            ModelChunk[] live = [.. LiveIn(name)];
            ulong movableBytes = (ulong)live.Sum(c => (long)Round(c.Handle.Size, s.Granule));
            Assert.True(live.Length == s.MovableChunks, $"{step}: {name} has {s.MovableChunks} movable chunks, the model {live.Length}: {Describe(name)}");
            Assert.True(movableBytes == s.MovableBytes, $"{step}: {name} has {s.MovableBytes} movable bytes, the model {movableBytes}");
            Assert.Equal(live.Count(c => c.Pins.Count > 0), (int)s.PinnedChunks);
            Assert.Equal(Contiguous.Values.Count(c => c.Region == name), (int)s.ContiguousChunks);
            if (!exactFree && s.Reusable)
                continue;
            ulong reserved = (ulong)Contiguous.Values.Where(c => c.Region == name).Sum(c => (long)Round(c.Size, s.Granule));
            if (!s.Reusable)
                reserved += movableBytes;  // the plugin placed them
            Assert.True(s.Size - reserved == s.FreeBytes, $"{step}: {name} reports {s.FreeBytes} free bytes, the model {s.Size - reserved}");
        }
    }

    /// <summary>Disposes every pin and frees every chunk; asserts each region is empty again.</summary>
    public void FreeAllAndCheckEmpty(IReadOnlyDictionary<string, ulong> emptyLargest)
    {
        foreach (ModelChunk m in Movables)
        {
            foreach ((CmaPin pin, _) in m.Pins)
                pin.Dispose();
            m.Handle.Dispose();
            Assert.True(m.Handle.IsFreed);
        }
        Movables.Clear();
        foreach (ulong at in Contiguous.Keys)
            Host.Service.Free(at);
        Contiguous.Clear();
        foreach (string name in Regions)
        {
            CmaRegionSnapshot s = Host.Service.GetRegion(name);
            Assert.Equal(RegionState.Active, s.State);
            Assert.Equal(0, s.Chunks);
            Assert.Equal(0, s.MovableChunks);
            Assert.Equal(0UL, s.MovableBytes);
            Assert.Equal(0, s.PinnedChunks);
            Assert.Equal(s.Size, s.FreeBytes);
            Assert.Equal(emptyLargest[name], s.LargestFreeBlock);
        }
    }

    /// <summary>The host's movable chunks of <paramref name="name"/> and the model's, for a failure message.</summary>
    private string Describe(string name) =>
        "host [" + string.Join(", ", Host.RegionNamed(name).Movables?.ByAddress.Select(p => $"0x{p.Key:X}={p.Value}") ?? []) + "] model ["
        + string.Join(", ", Movables.Select(c => c.Handle.ToString())) + "]";

    public static ulong Round(ulong size, ulong granule) => (size + granule - 1) / granule * granule;
}
