using System.Runtime.CompilerServices;
using Cma.Runtime.Regions;

namespace Cma.Host.Workloads;

/// <summary>
/// The timed pass of <c>cma compare</c>: replays a workload straight on a fresh allocator — no host guard, registry,
/// stats check or metrics, which the verified replay through the guard (<see cref="AllocatorReplay"/>) already did, and
/// which warmed the plugin's code up — so the time is what the allocator costs. Reads <see cref="BatchOperations"/>
/// operations at a time into arrays, untimed (parsing, rounding to the granule; pins and unpins dropped, as a raw
/// allocator has no movable chunks), then replays the batch between two timer reads: the mean per operation is the
/// batches' total time over their operations. One operation in <see cref="SampleEvery"/> (at a phase that varies per
/// batch, so a periodic trace cannot always put the same kind of operation there) is also timed alone, for the
/// percentiles; each batch loses the cost of its extra timer reads, each sample the cost of one. Around each batch (outside
/// its time) the process's processor time is read too: a batch during which the OS gave the core to another process
/// (wall time beyond processor time, see <see cref="InterruptionMicroseconds"/>) is left out, with its samples, and counted.
/// </summary>
/// <remarks>A free whose allocation failed is skipped (and counted as an operation), as in every replay loop.</remarks>
internal sealed class AllocatorTiming
{
    /// <summary>Operations per timed batch: one pair of timer reads for this many operations.</summary>
    public const int BatchOperations = 1024;

    /// <summary>One operation in this many is timed alone, for the percentiles.</summary>
    public const int SampleEvery = 64;

    /// <summary>A batch is left out when the wall time around it exceeds the process's processor time by more than this:
    /// the OS ran another process on the core meanwhile (on a shared machine, a few milliseconds at a time).</summary>
    public const int InterruptionMicroseconds = 20;

    /// <summary>Batch codes: place a chunk, free one, or fail a request no allocator could take (larger than the region).</summary>
    private const byte Place = 0, Release = 1, Refuse = 2;

    /// <summary>The allocator timed: fresh, over the same region as the verified replay.</summary>
    private readonly ICmaAllocator _allocator;

    /// <summary>The region's granule and size, to normalise requests as the host does.</summary>
    private readonly ulong _granule, _regionSize;

    /// <summary>What each batch loses per timer read inside it.</summary>
    private readonly long _timerCost;

    /// <summary>The operations timed alone in the batches kept, and in every batch (for when none is kept).</summary>
    private readonly LatencyHistogram _samples, _allSamples;

    /// <summary>The current batch: code, slot, size and alignment per operation.</summary>
    private readonly byte[] _code = new byte[BatchOperations];
    private readonly int[] _slot = new int[BatchOperations];
    private readonly ulong[] _size = new ulong[BatchOperations];
    private readonly ulong[] _alignment = new ulong[BatchOperations];

    /// <summary>The ticks of the current batch's samples, recorded after the batch (outside its time).</summary>
    private readonly long[] _sampleTicks = new long[BatchOperations / SampleEvery + 1];

    /// <summary>Per trace slot: the chunk's address and size (0: no live chunk).</summary>
    private ulong[] _address = new ulong[1024], _held = new ulong[1024];

    private AllocatorTiming(ICmaAllocator allocator, ulong regionSize, ulong granule, long timerCost)
    {
        _allocator = allocator;
        _regionSize = regionSize;
        _granule = granule;
        _timerCost = timerCost;
        _samples = new LatencyHistogram(timerCost);
        _allSamples = new LatencyHistogram(timerCost);
    }

    /// <summary>Times <paramref name="reader"/>'s workload on <paramref name="allocator"/> (fresh, over a region of
    /// <paramref name="regionSize"/> bytes at <paramref name="granule"/>) with <see cref="System.Diagnostics.Stopwatch"/>.</summary>
    public static TimedReplay Run(ITraceReader reader, ICmaAllocator allocator, ulong regionSize, ulong granule) =>
        Run(reader, allocator, regionSize, granule, new StopwatchClock(), LatencyHistogram.TimerCostTicks);

    /// <summary>Times the workload with <paramref name="clock"/>, whose reads cost <paramref name="timerCost"/> ticks each.</summary>
    internal static TimedReplay Run<TClock>(ITraceReader reader, ICmaAllocator allocator, ulong regionSize, ulong granule, TClock clock, long timerCost)
        where TClock : struct, IReplayClock
    {
        var timing = new AllocatorTiming(allocator, regionSize, granule, timerCost);
        long tolerance = Math.Max(1, clock.Frequency / 1_000_000 * InterruptionMicroseconds);
        long kept = 0, keptOps = 0, all = 0, allOps = 0, failed = 0;
        int batches = 0, interrupted = 0;
        clock.ProcessorTime(); // the first read may load and compile what it needs
        long windowStart = clock.Now();
        TimeSpan cpuStart = clock.ProcessorTime();
        for (uint batch = 0; ; batch++)
        {
            int count = timing.Fill(reader);
            if (count == 0)
                break;
            // Golden-ratio hash of the batch number: a phase in [0, min(count, SampleEvery)).
            int first = (int)((batch * 2654435761u >> 16) % (uint)Math.Min(count, SampleEvery));
            long ticks = timing.TimeBatch(ref clock, count, first, ref failed, out int samples);
            long windowEnd = clock.Now();
            TimeSpan cpuEnd = clock.ProcessorTime();
            // Wall time the process did not run for: the OS gave the core to another process during the batch.
            long lost = windowEnd - windowStart - (long)((cpuEnd - cpuStart).Ticks * (double)clock.Frequency / TimeSpan.TicksPerSecond);
            (windowStart, cpuStart) = (windowEnd, cpuEnd);
            batches++;
            all += ticks;
            allOps += count;
            for (int i = 0; i < samples; i++)
                timing._allSamples.Record(timing._sampleTicks[i]);
            if (lost > tolerance)
            {
                interrupted++;
                continue;
            }
            kept += ticks;
            keptOps += count;
            for (int i = 0; i < samples; i++)
                timing._samples.Record(timing._sampleTicks[i]);
        }
        LatencyHistogram sampled = timing._samples;
        if (keptOps == 0)
            (kept, keptOps, sampled) = (all, allOps, timing._allSamples); // every batch interrupted: the elapsed time is all there is
        double ns = 1e9 / clock.Frequency;
        (double p50, double p99, double max) = sampled.Percentiles(clock.Frequency);
        kept = Math.Max(0, kept);
        var latency = new LatencySummary(keptOps, keptOps == 0 ? 0 : kept * ns / keptOps, p50, p99, max, kept * ns / 1e9)
        {
            Samples = sampled.Count,
        };
        return new TimedReplay(latency, failed, batches, interrupted, allOps == 0 ? 0 : Math.Max(0, all) * ns / allOps);
    }

    /// <summary>Reads up to <see cref="BatchOperations"/> operations into the batch; 0 at the end of the trace.</summary>
    private int Fill(ITraceReader reader)
    {
        int n = 0;
        while (n < BatchOperations && reader.TryRead(out TraceOp op))
        {
            if (op.Kind.IsAllocation())
            {
                ulong size = op.Size == 0 ? _granule : op.Size;
                bool fits = size <= _regionSize; // the region size is a multiple of the granule: rounding cannot pass it
                _code[n] = fits ? Place : Refuse;
                (ulong rounded, _alignment[n]) = Region.Normalize(size, op.Alignment, _granule); // as the checked replay's region does
                _size[n] = fits ? rounded : 0;
            }
            else if (op.Kind == TraceOpKind.Free)
            {
                _code[n] = Release;
            }
            else
            {
                continue; // a pin or unpin: nothing for a raw allocator
            }
            if (op.Slot >= _address.Length)
            {
                int length = Math.Max(op.Slot + 1, _address.Length * 2);
                Array.Resize(ref _address, length);
                Array.Resize(ref _held, length);
            }
            _slot[n++] = op.Slot;
        }
        return n;
    }

    /// <summary>Replays the batch's <paramref name="count"/> operations between two reads of <paramref name="clock"/>,
    /// timing operations <paramref name="first"/>, + <see cref="SampleEvery"/>, … alone into <see cref="_sampleTicks"/>;
    /// returns the batch's ticks less the timer reads it holds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the measured loop: optimised from its first call, as the benchmark's
    private long TimeBatch<TClock>(ref TClock clock, int count, int first, ref long failed, out int samples)
        where TClock : struct, IReplayClock
    {
        ICmaAllocator allocator = _allocator;
        byte[] code = _code;
        int[] slot = _slot;
        ulong[] size = _size, alignment = _alignment, address = _address, held = _held;
        long[] sampleTicks = _sampleTicks;
        int n = 0, next = first, misses = 0;
        long began = clock.Now();
        for (int i = 0; i < count; i++)
        {
            if (i != next)
            {
                misses += Step(allocator, code[i], slot[i], size[i], alignment[i], address, held);
                continue;
            }
            long t0 = clock.Now();
            misses += Step(allocator, code[i], slot[i], size[i], alignment[i], address, held);
            sampleTicks[n++] = clock.Now() - t0;
            next += SampleEvery;
        }
        long took = clock.Now() - began;
        failed += misses;
        samples = n;
        return took - (2L * n + 1) * _timerCost; // the batch's own pair counts one read; each sample adds two
    }

    /// <summary>One operation; 1 when a request failed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step(ICmaAllocator allocator, byte code, int slot, ulong size, ulong alignment, ulong[] address, ulong[] held)
    {
        if (code == Release)
        {
            ulong chunk = held[slot];
            if (chunk != 0)
            {
                allocator.Free(address[slot], chunk);
                held[slot] = 0;
            }
            return 0;
        }
        if (code == Place && allocator.TryAllocate(size, alignment, out address[slot]))
        {
            held[slot] = size;
            return 0;
        }
        held[slot] = 0;
        return 1;
    }
}

/// <summary>What the timed pass found.</summary>
/// <param name="Latency">The time per operation: the mean from the batches the OS did not interrupt, the percentiles from
/// the operations timed alone in them.</param>
/// <param name="Failed">Requests that failed in the timed pass (as many as in the verified replay, for a deterministic allocator).</param>
/// <param name="Batches">Batches timed.</param>
/// <param name="Interrupted">Batches left out of <paramref name="Latency"/>: the wall time around them exceeded the process's
/// processor time by more than <see cref="AllocatorTiming.InterruptionMicroseconds"/> µs.</param>
/// <param name="ElapsedMeanNs">The mean per operation over every batch, interrupted ones included.</param>
internal sealed record TimedReplay(LatencySummary Latency, long Failed, int Batches, int Interrupted, double ElapsedMeanNs);
