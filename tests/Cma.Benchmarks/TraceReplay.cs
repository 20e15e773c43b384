using Cma.Host;
using System.Runtime.CompilerServices;

namespace Cma.Benchmarks;

/// <summary>
/// The measured loops: a trace replayed against a raw allocator or through the host service. Each loop does only
/// what the operation needs (one slot read or write per step), so the figure is the allocator's or the host's.
/// A failed allocation leaves its slot empty and the matching free is skipped.
/// </summary>
internal static class TraceReplay
{
    /// <summary>The device name the host map routes to the benchmark region.</summary>
    public const string Device = "bench";

    /// <summary>Replays <paramref name="steps"/> against the plugin directly. Returns the failed allocations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Raw(ICmaAllocator allocator, TraceStep[] steps, ChunkSlot[] slots)
    {
        int failed = 0;
        for (int i = 0; i < steps.Length; i++)
        {
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
        for (int i = 0; i < steps.Length; i++)
        {
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
