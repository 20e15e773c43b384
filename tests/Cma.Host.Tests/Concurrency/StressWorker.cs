using System.Diagnostics;

namespace Cma.Host.Tests.Concurrency;

/// <summary>
/// One stress thread: a seeded random mix of allocations (through the map to the shared regions, from its private
/// region, or from the shared regions by name) and frees of its own live chunks, each chunk claimed in the shared
/// <see cref="IntervalClaims"/> as it is handed out and dropped before it is freed.
/// </summary>
internal sealed class StressWorker(ICmaService service, IntervalClaims claims, string privateRegion, int seed, long operations, long deadline)
{
    /// <summary>Live chunks a thread holds at most.</summary>
    private const int MaxLive = 96;

    /// <summary>This thread's live chunks, in no order.</summary>
    private readonly List<CmaChunk> _live = new(MaxLive);

    /// <summary>Operations done.</summary>
    public long Operations { get; private set; }

    /// <summary>Allocations refused for lack of space (normal under load).</summary>
    public long NoSpace { get; private set; }

    /// <summary>Outcomes that must not happen (a free that is not found, a fenced region, an exception).</summary>
    public long UnexpectedOutcomes { get; private set; }

    /// <summary>The most chunks held at once.</summary>
    public int PeakLive { get; private set; }

    /// <summary>The first overlap seen, described; null if none.</summary>
    public string? Overlap { get; private set; }

    public void Run()
    {
        var random = new Random(seed);
        try
        {
            for (long op = 0; op < operations && Overlap is null; op++)
            {
                if ((op & 1023) == 0 && Stopwatch.GetTimestamp() > deadline)
                    break;
                Operations++;
                if (_live.Count > 0 && (_live.Count >= MaxLive || random.Next(100) < 48))
                    FreeOne(random.Next(_live.Count));
                else
                    AllocateOne(random);
            }
        }
        catch (Exception e)
        {
            UnexpectedOutcomes++;
            Overlap ??= "exception: " + e;
        }
    }

    /// <summary>Frees every chunk still held (after all threads stopped).</summary>
    public void FreeAll()
    {
        while (_live.Count > 0)
            FreeOne(_live.Count - 1);
    }

    private void AllocateOne(Random random)
    {
        ulong size = (ulong)random.Next(1, 64) * 4096 - (ulong)random.Next(0, 4096);
        ulong alignment = random.Next(8) switch { 0 => 64 * 1024, 1 => 1 << 20, 2 => 2, _ => 0 };
        int route = random.Next(3);
        CmaChunk chunk;
        CmaOutcome outcome = route switch
        {
            0 => service.TryAllocate("shared", null, size, alignment, out chunk),
            1 => service.TryAllocateFrom(privateRegion, size, alignment, out chunk),
            _ => service.TryAllocateFrom("s1,s0", size, alignment, out chunk),
        };
        if (outcome == CmaOutcome.NoSpace)
        {
            NoSpace++;
            return;
        }
        if (outcome != CmaOutcome.Ok)
        {
            UnexpectedOutcomes++;
            return;
        }
        if (claims.TryClaim(chunk.Address, chunk.Size) is { } other)
        {
            Overlap ??= $"{chunk} overlaps the live chunk [0x{other.Start:X}, 0x{other.End:X})";
            return;
        }
        _live.Add(chunk);
        PeakLive = Math.Max(PeakLive, _live.Count);
    }

    private void FreeOne(int index)
    {
        CmaChunk chunk = _live[index];
        _live[index] = _live[^1];
        _live.RemoveAt(_live.Count - 1);
        if (!claims.Drop(chunk.Address) || service.TryFree(chunk.Address) != CmaOutcome.Ok)
            UnexpectedOutcomes++;
    }
}
