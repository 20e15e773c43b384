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
            0 => time(() => Stats(raw, steps, slots), steps.Length),
            4 => time(() => Dict(raw, new Lock(), new Dictionary<ulong, ChunkEntry>(), steps, slots), steps.Length),
            1 => time(() => Locked(raw, new Lock(), steps, slots), steps.Length),
            _ => time(() => Registry(raw, new Lock(), new ChunkIndex(info.Start, info.Size, info.Granule), steps, slots), steps.Length),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Stats(ICmaAllocator allocator, TraceStep[] steps, ChunkSlot[] slots)
    {
        int failed = 0;
        ulong sink = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            if (TraceReplay.PrefetchSlots)
                TraceReplay.Prefetch(steps, slots, i);
            ref readonly TraceStep step = ref steps[i];
            ref ChunkSlot slot = ref slots[step.Slot];
            if (step.IsFree)
            {
                if (slot.Address != 0)
                {
                    allocator.Free(slot.Address, slot.Size);
                    sink += allocator.Stats.FreeBytes;
                }
                slot.Address = 0;
            }
            else if (allocator.TryAllocate(step.Size, step.Alignment, out slot.Address))
            {
                sink += allocator.Stats.FreeBytes;
                slot.Size = step.Size;
            }
            else
            {
                slot.Address = 0;
                failed++;
            }
        }
        return sink == 1 ? -1 : failed;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Locked(ICmaAllocator allocator, Lock sync, TraceStep[] steps, ChunkSlot[] slots)
    {
        int failed = 0;
        ulong sink = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            if (TraceReplay.PrefetchSlots)
                TraceReplay.Prefetch(steps, slots, i);
            ref readonly TraceStep step = ref steps[i];
            ref ChunkSlot slot = ref slots[step.Slot];
            if (step.IsFree)
            {
                if (slot.Address != 0)
                {
                    lock (sync)
                    {
                        allocator.Free(slot.Address, slot.Size);
                        sink += allocator.Stats.FreeBytes;
                    }
                }
                slot.Address = 0;
                continue;
            }
            lock (sync)
            {
                if (allocator.TryAllocate(step.Size, step.Alignment, out slot.Address))
                {
                    sink += allocator.Stats.FreeBytes;
                    slot.Size = step.Size;
                }
                else
                {
                    slot.Address = 0;
                    failed++;
                }
            }
        }
        return sink == 1 ? -1 : failed;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Registry(ICmaAllocator allocator, Lock sync, ChunkIndex chunks, TraceStep[] steps, ChunkSlot[] slots)
    {
        int failed = 0;
        ulong sink = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            if (TraceReplay.PrefetchSlots)
                TraceReplay.Prefetch(steps, slots, i);
            ref readonly TraceStep step = ref steps[i];
            ref ChunkSlot slot = ref slots[step.Slot];
            if (step.IsFree)
            {
                if (slot.Address != 0)
                {
                    lock (sync)
                    {
                        if (chunks.Remove(slot.Address, out ChunkEntry entry))
                            allocator.Free(slot.Address, entry.Size);
                        sink += allocator.Stats.FreeBytes;
                    }
                }
                slot.Address = 0;
                continue;
            }
            lock (sync)
            {
                if (allocator.TryAllocate(step.Size, step.Alignment, out slot.Address))
                {
                    sink += allocator.Stats.FreeBytes;
                    if (!chunks.TryInsert(slot.Address, new ChunkEntry(step.Size, step.Size, 1)))
                        throw new InvalidOperationException("overlap");
                    slot.Size = step.Size;
                }
                else
                {
                    slot.Address = 0;
                    failed++;
                }
            }
        }
        return sink == 1 ? -1 : failed;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Dict(ICmaAllocator allocator, Lock sync, Dictionary<ulong, ChunkEntry> chunks, TraceStep[] steps, ChunkSlot[] slots)
    {
        int failed = 0;
        ulong sink = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            if (TraceReplay.PrefetchSlots)
                TraceReplay.Prefetch(steps, slots, i);
            ref readonly TraceStep step = ref steps[i];
            ref ChunkSlot slot = ref slots[step.Slot];
            if (step.IsFree)
            {
                if (slot.Address != 0)
                {
                    lock (sync)
                    {
                        if (chunks.Remove(slot.Address, out ChunkEntry entry))
                            allocator.Free(slot.Address, entry.Size);
                        sink += allocator.Stats.FreeBytes;
                    }
                }
                slot.Address = 0;
                continue;
            }
            lock (sync)
            {
                if (allocator.TryAllocate(step.Size, step.Alignment, out slot.Address))
                {
                    sink += allocator.Stats.FreeBytes;
                    if (!chunks.TryAdd(slot.Address, new ChunkEntry(step.Size, step.Size, 1)))
                        throw new InvalidOperationException("overlap");
                    slot.Size = step.Size;
                }
                else
                {
                    slot.Address = 0;
                    failed++;
                }
            }
        }
        return sink == 1 ? -1 : failed;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Region(Region region, TraceStep[] steps, ChunkSlot[] slots)
    {
        int failed = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            if (TraceReplay.PrefetchSlots)
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
