using BenchmarkDotNet.Attributes;

namespace Cma.Benchmarks;

/// <summary>
/// A contiguous allocation that moves nothing costs what it cost before reusable regions: one allocate+free pair of a
/// contiguous chunk through the host (<c>TryAllocateFrom</c> + <c>TryFree</c>) in a 160 MiB best-fit region,
/// address space only, that is (a) <c>ordinary</c> — not reusable, today's path; (b) <c>reusable-empty</c> —
/// reusable, no movable chunk; (c) <c>reusable-movables</c> — reusable, with movable chunks of 4–64 KiB (seeded)
/// placed from the top (64 MiB, then every other one freed: about 950 chunks and as many holes in the host's gap tree)
/// that the contiguous chunk, placed low by best-fit, never touches (checked: no move happens). An extra case,
/// (d) <c>reusable-movables-below</c>, has the same movable chunks placed from the bottom and the contiguous chunk
/// placed above them (a 1 MiB contiguous chunk is kept at 100 MiB, so best-fit prefers the 59 MiB block above it to the
/// 100 MiB block below it): the host's movable-chunk lookups then look at chunks below the placement.
/// </summary>
[Config(typeof(InProcessPairConfig))]
[MemoryDiagnoser]
public class ReusableAllocBenchmarks
{
    /// <summary>The four regions compared.</summary>
    public static IEnumerable<string> Cases => ["ordinary", "reusable-empty", "reusable-movables", "reusable-movables-below"];

    [ParamsSource(nameof(Cases))]
    public string Region { get; set; } = "";

    /// <summary>The contiguous chunk's size.</summary>
    [Params(64UL << 10, 1UL << 20)]
    public ulong Size { get; set; }

    private CmaService _service = null!;
    private readonly List<CmaMovableChunk> _movables = [];

    /// <summary>Case (d): the contiguous chunk that splits the plugin's free space.</summary>
    private ulong _divider;

    [GlobalSetup]
    public void Setup()
    {
        string reusable = Region switch
        {
            "ordinary" => "",
            "reusable-movables-below" => """, "Reusable": true, "MovableFrom": "Bottom" """,
            _ => """, "Reusable": true""",
        };
        _service = ReusableHost.Create($$"""[ { "Name": "r", "Size": "160M", "Allocator": "best-fit"{{reusable}} } ]""");
        if (Region == "reusable-movables-below")
        {
            // [0, 100M) freed again and [100M, 101M) kept: the plugin's free blocks are 100 MiB below and 59 MiB above.
            if (_service.TryAllocateFrom("r", 100UL << 20, 0, out CmaChunk low) != CmaOutcome.Ok
                || _service.TryAllocateFrom("r", 1UL << 20, 0, out CmaChunk divider) != CmaOutcome.Ok)
                throw new InvalidOperationException("the divider did not fit");
            _service.Free(low.Address);
            _divider = divider.Address;
        }
        if (Region is "reusable-movables" or "reusable-movables-below")
        {
            var all = new List<CmaMovableChunk>();
            foreach (ulong size in MigrationBenchmarks.ChunkSizes)
            {
                if (_service.TryAllocateMovableFrom("r", size, 0, false, out CmaMovableChunk? c) != CmaOutcome.Ok)
                    throw new InvalidOperationException("a movable chunk did not fit");
                all.Add(c!);
            }
            for (int i = 0; i < all.Count; i++)
            {
                if (i % 2 == 0)
                    all[i].Dispose();
                else
                    _movables.Add(all[i]);
            }
        }
        CmaRegionSnapshot before = _service.GetRegion("r");
        ulong at = AllocateFree();
        CmaRegionSnapshot after = _service.GetRegion("r");
        if (after.Migrations != before.Migrations || after.MovableChunks != _movables.Count)
            throw new InvalidOperationException("the contiguous chunk landed on movable chunks");
        if (Region == "reusable-movables-below" && _movables.Any(m => m.Address > at))
            throw new InvalidOperationException($"case (d) needs every movable chunk below the contiguous chunk at 0x{at:X}");
    }

    [Benchmark]
    public ulong AllocateFree()
    {
        if (_service.TryAllocateFrom("r", Size, 0, out CmaChunk chunk) != CmaOutcome.Ok)
            throw new InvalidOperationException("allocation failed");
        _service.TryFree(chunk.Address);
        return chunk.Address;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (CmaMovableChunk c in _movables)
            c.Dispose();
        _movables.Clear();
        if (_divider != 0)
            _service.Free(_divider);
        _service.Dispose();
    }
}
