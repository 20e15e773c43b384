using Cma.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Cma.Benchmarks;

/// <summary>
/// The measured loops: a trace replayed against a raw allocator or through the host service. Each loop does only
/// what the operation needs (one slot read or write per step), so the figure is the allocator's or the host's.
/// A failed allocation leaves its slot empty and the matching free is skipped.
/// <para>The slots are the caller's bookkeeping, not the allocator's: at 1M live chunks the slot array (16 MiB) misses
/// the cache on every free, and since every step of a free depends on the address read from it, that miss would be
/// counted as the allocator's time. So each loop prefetches the slot <see cref="PrefetchDistance"/> steps ahead (as a
/// caller that knows what it will free next could); <see cref="PrefetchSlots"/> = false measures without it.</para>
/// </summary>
internal static class TraceReplay
{
    /// <summary>How many steps ahead the loops prefetch their slot.</summary>
    public const int PrefetchDistance = 16;

    /// <summary>Whether the loops prefetch the slots (the default); the quick mode's <c>--no-prefetch</c> turns it off.</summary>
    public static bool PrefetchSlots { get; set; } = true;

    /// <summary>Hints the cache to load the slot that step <paramref name="i"/> + <see cref="PrefetchDistance"/> will use.
    /// A prefetch never faults, so a slot array moved by the GC in between only makes the hint useless.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Prefetch(TraceStep[] steps, ChunkSlot[] slots, int i)
    {
        if (Sse.IsSupported && i + PrefetchDistance < steps.Length)
            Sse.Prefetch0(Unsafe.AsPointer(ref slots[steps[i + PrefetchDistance].Slot]));
    }

    /// <summary>The device name the host map routes to the benchmark region.</summary>
    public const string Device = "bench";

    /// <summary>Replays <paramref name="steps"/> against the plugin directly. Returns the failed allocations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Raw(ICmaAllocator allocator, TraceStep[] steps, ChunkSlot[] slots)
    {
        int failed = 0;
        bool prefetch = PrefetchSlots;
        for (int i = 0; i < steps.Length; i++)
        {
            if (prefetch)
                Prefetch(steps, slots, i);
            ref readonly TraceStep step = ref steps[i];
            ref ChunkSlot slot = ref slots[step.Slot];
            if (step.IsFree)
            {
                if (slot.Address != 0)
                    allocator.Free(slot.Address, slot.Size);
                slot.Address = 0;
            }
            else if (allocator.TryAllocate(step.Size, step.Alignment, out slot.Address))
            {
                slot.Size = step.Size;
            }
            else
            {
                slot.Address = 0;
                failed++;
            }
        }
        return failed;
    }

    /// <summary>Replays <paramref name="steps"/> through the host: map lookup, region lock, plugin call, guard and
    /// registry. Returns the failed allocations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Host(CmaService service, TraceStep[] steps, ChunkSlot[] slots, string device = Device)
    {
        int failed = 0;
        bool prefetch = PrefetchSlots;
        for (int i = 0; i < steps.Length; i++)
        {
            if (prefetch)
                Prefetch(steps, slots, i);
            ref readonly TraceStep step = ref steps[i];
            ref ChunkSlot slot = ref slots[step.Slot];
            if (step.IsFree)
            {
                if (slot.Address != 0)
                    service.TryFree(slot.Address);
                slot.Address = 0;
            }
            else if (service.TryAllocate(device, null, step.Size, step.Alignment, out CmaChunk chunk) == CmaOutcome.Ok)
            {
                slot.Address = chunk.Address;
                slot.Size = step.Size;
            }
            else
            {
                slot.Address = 0;
                failed++;
            }
        }
        return failed;
    }
}
