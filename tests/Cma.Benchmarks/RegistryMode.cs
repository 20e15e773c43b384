using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Cma.Runtime.Regions;

namespace Cma.Benchmarks;

/// <summary>
/// The <c>registry</c> mode: the host's chunk registry (<see cref="ChunkIndex"/>) alone, on the addresses a plugin
/// really returned for a trace. The trace is replayed once against the raw allocator to record every allocation's
/// address; then each timed replay runs only the registry's insert (with its overlap check) and remove on that sequence,
/// so the figure is the registry's cost per trace operation, without the plugin. E.g. <c>registry /tmp/main.trace buddy</c>.
/// </summary>
internal static class RegistryMode
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: registry <file> <allocator>   e.g. registry /tmp/main.trace buddy");
            return 2;
        }
        (TraceStep[] steps, int slotCount, ulong regionSize) = TraceFileMode.Parse(args[0]);
        var slots = new ChunkSlot[slotCount];
        // Addresses per allocation (0 = failed), in step order; frees look theirs up by slot.
        var addresses = new ulong[slotCount];
        using (ICmaAllocator raw = BenchPlugins.CreateRaw(args[1], regionSize))
        {
            foreach (TraceStep step in steps)
            {
                if (step.IsFree)
                {
                    if (slots[step.Slot].Address != 0)
                        raw.Free(slots[step.Slot].Address, step.Size);
                }
                else if (raw.TryAllocate(step.Size, step.Alignment, out ulong at))
                {
                    slots[step.Slot].Address = addresses[step.Slot] = at;
                }
            }
        }
        CmaRegion info = BenchPlugins.Region(regionSize);
        var times = new List<double>();
        bool reuse = args.Contains("--reuse");
        var reused = new ChunkIndex(info.Start, info.Size, info.Granule);
        for (int run = 0; run < 12; run++)
        {
            ChunkIndex index = reuse ? reused : new ChunkIndex(info.Start, info.Size, info.Granule);
            if (reuse)
            {
                var live = new List<ulong>();
                index.ForEach((s, _) => live.Add(s));
                foreach (ulong s in live)
                    index.Remove(s, out _);
            }
            TimeSpan cpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
            Replay(index, steps, addresses);
            times.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuStarted).TotalNanoseconds / steps.Length);
        }
        var floor = new List<double>();
        for (int run = 0; run < 8; run++)
        {
            TimeSpan cpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
            Floor(steps, addresses);
            floor.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuStarted).TotalNanoseconds / steps.Length);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the loop alone (reading each step's address): {MemoryMode.Median(floor.Skip(3)):F1} ns/op"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"registry on {args[1]}'s addresses: CPU time median {MemoryMode.Median(times.Skip(4)):F1} ns/op (fastest {times.Skip(4).Min():F1}); all: {string.Join(' ', times.Select(t => t.ToString("F1", CultureInfo.InvariantCulture)))}; load {MemoryMode.LoadAverage()}"));
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong Floor(TraceStep[] steps, ulong[] addresses)
    {
        ulong sum = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            ulong at = addresses[steps[i].Slot];
            if (at == 0)
                continue;
            sum += steps[i].IsFree ? at : at >> 1;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Replay(ChunkIndex index, TraceStep[] steps, ulong[] addresses)
    {
        for (int i = 0; i < steps.Length; i++)
        {
            ref readonly TraceStep step = ref steps[i];
            ulong at = addresses[step.Slot];
            if (at == 0)
                continue;
            if (step.IsFree)
            {
                if (!index.Remove(at, out _))
                    throw new InvalidOperationException("not found");
            }
            else if (!index.TryInsert(at, new ChunkEntry(step.Size, step.Size, 1)))
            {
                throw new InvalidOperationException("overlap");
            }
        }
    }
}
