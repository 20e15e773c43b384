using System.Runtime.CompilerServices;
using Cma.Runtime.Regions;

namespace Cma.Benchmarks;

/// <summary>
/// The host path taken apart, for the <c>trace --layers</c> mode: the same whole-trace replay as
/// <see cref="TraceReplay.Raw"/>, with one more piece of what the host does per operation added at each layer, so that
/// the difference between two layers is what that piece costs on the trace. The layers, cumulative:
/// <list type="number">
/// <item><c>+stats</c>: the plugin's <see cref="ICmaAllocator.Stats"/> read after every operation (the host's stats check reads them);</item>
/// <item><c>+lock</c>: a <see cref="Lock"/> held around the operation and the stats read (the region's lock);</item>
/// <item><c>+registry</c>: the live chunk recorded in and removed from a <see cref="ChunkIndex"/> (the host's registry, with its overlap check);</item>
/// <item><c>region</c>: the region's own path, <see cref="Region.TryAllocate"/> / <see cref="Region.TryFree"/> under its lock
/// (plugin call scope, result and stats checks, registry, published stats) — no map, no service;</item>
/// </list>
/// then <c>+dict</c>, a reference point rather than a layer: <c>+lock</c> with a plain <see cref="Dictionary{TKey, TValue}"/>
/// keyed by start instead of the registry (what recording and finding chunks costs without the overlap check); and then
/// <c>host</c>, the service (<see cref="TraceReplay.Host"/>: map lookup, argument checks, region lookup on free).
/// </summary>
internal static class TraceLayers
{
    /// <summary>The layer names, in order (each includes the ones before it).</summary>
    public static readonly string[] Names = ["+stats", "+lock", "+registry", "region", "+dict"];

    /// <summary>Replays <paramref name="steps"/> at layer <paramref name="layer"/> (an index into <see cref="Names"/>)
    /// on a fresh allocator of <paramref name="allocator"/> over a region of <paramref name="regionSize"/> bytes;
    /// returns the failed allocations. <paramref name="time"/> times the replay alone.</summary>
    public static (double Ns, double Cpu, int Failed) Run(int layer, string allocator, ulong regionSize, TraceStep[] steps,
        ChunkSlot[] slots, Func<Func<int>, int, (double, double, int)> time)
    {
        Array.Clear(slots);
        if (layer == 3)
        {
            Region region = BenchPlugins.OpenRegion(allocator, BenchPlugins.Region(regionSize));
            try
            {
                return time(() => Region(region, steps, slots), steps.Length);
            }
            finally
            {
                lock (region.Sync)
                    region.Close();
            }
        }
        using ICmaAllocator raw = BenchPlugins.CreateRaw(allocator, regionSize);
        CmaRegion info = BenchPlugins.Region(regionSize);
        return layer switch
        {
            0 => time(() => Replay(raw, new NoLock(), new NoRecord(), steps, slots), steps.Length),
            1 => time(() => Replay(raw, new Locked(new Lock()), new NoRecord(), steps, slots), steps.Length),
            4 => time(() => Replay(raw, new Locked(new Lock()), new DictionaryRecord([]), steps, slots), steps.Length),
            _ => time(() => Replay(raw, new Locked(new Lock()), new RegistryRecord(new ChunkIndex(info.Start, info.Size, info.Granule)), steps, slots), steps.Length),
        };
    }

    /// <summary>The lock of a layer: none, or a <see cref="Lock"/>.</summary>
    private interface ISync
    {
        void Enter();
        void Exit();
    }

    /// <summary>How a layer records chunks: not at all, in the registry, or in a dictionary.</summary>
    private interface IRecord
    {
        void Record(ulong start, ulong size);
        void Forget(ulong start);
    }

    private readonly struct NoLock : ISync
    {
        public void Enter() { }
        public void Exit() { }
    }

    private readonly struct Locked(Lock sync) : ISync
    {
        public void Enter() => sync.Enter();
        public void Exit() => sync.Exit();
    }

    private readonly struct NoRecord : IRecord
    {
        public void Record(ulong start, ulong size) { }
        public void Forget(ulong start) { }
    }

    private readonly struct RegistryRecord(ChunkIndex chunks) : IRecord
    {
        public void Record(ulong start, ulong size)
        {
            if (!chunks.TryInsert(start, new ChunkEntry(size, size, 1)))
                throw new InvalidOperationException($"The plugin returned 0x{start:X}, which overlaps a live chunk.");
        }

        public void Forget(ulong start)
        {
            if (!chunks.Remove(start, out _))
                throw new InvalidOperationException($"No chunk starts at 0x{start:X}.");
        }
    }

    private readonly struct DictionaryRecord(Dictionary<ulong, ChunkEntry> chunks) : IRecord
    {
        public void Record(ulong start, ulong size)
        {
            if (!chunks.TryAdd(start, new ChunkEntry(size, size, 1)))
                throw new InvalidOperationException($"The plugin returned 0x{start:X} twice.");
        }

        public void Forget(ulong start)
        {
            if (!chunks.Remove(start))
                throw new InvalidOperationException($"No chunk starts at 0x{start:X}.");
        }
    }

    /// <summary>The replay of the first layers: each operation (and the stats read after it) inside
    /// <paramref name="sync"/>, each chunk recorded in and forgotten from <paramref name="record"/>. Generic over
    /// structs, so every layer gets its own compiled loop with nothing of the others in it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Replay<TSync, TRecord>(ICmaAllocator allocator, TSync sync, TRecord record, TraceStep[] steps, ChunkSlot[] slots)
        where TSync : struct, ISync
        where TRecord : struct, IRecord
    {
        int failed = 0;
        ulong sink = 0;
        bool prefetch = TraceReplay.PrefetchSlots; // read once, as the raw and host loops do
        for (int i = 0; i < steps.Length; i++)
        {
            if (prefetch)
                TraceReplay.Prefetch(steps, slots, i);
            ref readonly TraceStep step = ref steps[i];
            ref ChunkSlot slot = ref slots[step.Slot];
            if (step.IsFree)
            {
                if (slot.Address != 0)
                {
                    sync.Enter();
                    try
                    {
                        record.Forget(slot.Address);
                        allocator.Free(slot.Address, slot.Size);
                        sink += allocator.Stats.FreeBytes;
                    }
                    finally
                    {
                        sync.Exit();
                    }
                }
                slot.Address = 0;
                continue;
            }
            sync.Enter();
            try
            {
                if (allocator.TryAllocate(step.Size, step.Alignment, out slot.Address))
                {
                    sink += allocator.Stats.FreeBytes;
                    record.Record(slot.Address, step.Size);
                    slot.Size = step.Size;
                }
                else
                {
                    slot.Address = 0;
                    failed++;
                }
            }
            finally
            {
                sync.Exit();
            }
        }
        return sink == 1 ? -1 : failed; // the sink keeps the stats reads from being optimised away
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Region(Region region, TraceStep[] steps, ChunkSlot[] slots)
    {
        int failed = 0;
        bool prefetch = TraceReplay.PrefetchSlots;
        for (int i = 0; i < steps.Length; i++)
        {
            if (prefetch)
                TraceReplay.Prefetch(steps, slots, i);
            ref readonly TraceStep step = ref steps[i];
            ref ChunkSlot slot = ref slots[step.Slot];
            if (step.IsFree)
            {
                if (slot.Address != 0)
                {
                    lock (region.Sync)
                        region.TryFree(slot.Address, out _);
                }
                slot.Address = 0;
                continue;
            }
            RegionAllocateResult result;
            lock (region.Sync)
                result = region.TryAllocateChunk(step.Size, step.Alignment, 0, out slot.Address, out slot.Size);
            if (result != RegionAllocateResult.Ok)
            {
                slot.Address = 0;
                failed++;
            }
        }
        return failed;
    }
}
