using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Cma.Benchmarks;

/// <summary>
/// Migration is copy-bound: one contiguous request of 64 MiB in a reusable Native region of 160 MiB (best-fit,
/// <c>MovableFrom: Bottom</c>) lands on movable chunks of 4–64 KiB (seeded sizes, 64 MiB in all, packed from the
/// region's bottom, each filled with bytes), so the host moves every one of them (their bytes: 64 MiB) into the free
/// space above before handing the range out. Measured: that one <c>TryAllocateFrom</c> call, one invocation per
/// iteration (the movable chunks are placed and filled in <c>[IterationSetup]</c>, everything is freed in
/// <c>[IterationCleanup]</c>; neither is timed). The host and its mapping live for the whole run, so every page the
/// migration writes was touched before (no first-touch page faults in any measured iteration; the baselines' buffers
/// are touched in setup too). Baselines in the same run: one <c>Buffer.MemoryCopy</c> of 64 MiB between two native
/// buffers, and the same bytes copied piecewise in the chunks' sizes (what the copy alone costs chunk by chunk). And a
/// diagnostic: the same migration in an address-space-only reusable region (<c>Backing: None</c>, no mover), where the
/// host moves the same 1,971 chunks without copying a byte — the host's own per-chunk bookkeeping.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public unsafe class MigrationBenchmarks
{
    /// <summary>Bytes of movable chunks, migrated by each measured request.</summary>
    public const ulong MovedBytes = 64UL << 20;

    /// <summary>The reusable region's size.</summary>
    public const ulong RegionSize = 160UL << 20;

    /// <summary>One launch, 5 warm-up and 40 measured iterations of one invocation each, in process.</summary>
    public sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(5)
                .WithIterationCount(40)
                .WithInvocationCount(1)
                .WithUnrollFactor(1)
                .WithStrategy(RunStrategy.Monitoring)
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithId("once"));
            AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
            WithOptions(ConfigOptions.JoinSummary);
        }
    }

    /// <summary>The movable chunks' sizes (seeded, 4–64 KiB in 4 KiB steps, summing to <see cref="MovedBytes"/>).</summary>
    public static readonly ulong[] ChunkSizes = MakeSizes(seed: 7);

    private CmaService _service = null!;
    private CmaService _addressOnly = null!;
    private readonly List<CmaMovableChunk> _addressOnlyMovables = new(ChunkSizes.Length);
    private readonly List<CmaMovableChunk> _movables = new(ChunkSizes.Length);
    private ulong _regionStart;
    private ulong _contiguous;
    private long _migrationsBefore;
    private ulong _migratedBefore;
    private byte* _src, _dst;

    [GlobalSetup]
    public void Setup()
    {
        _service = ReusableHost.Create(
            """[ { "Name": "r", "Size": "160M", "Allocator": "best-fit", "Backing": "Native", "Reusable": true, "MovableFrom": "Bottom" } ]""");
        _regionStart = _service.GetRegion("r").Start;
        _addressOnly = ReusableHost.Create(
            """[ { "Name": "r", "Size": "160M", "Allocator": "best-fit", "Reusable": true, "MovableFrom": "Bottom" } ]""");
        _src = (byte*)NativeMemory.AlignedAlloc((nuint)MovedBytes, 4096);
        _dst = (byte*)NativeMemory.AlignedAlloc((nuint)MovedBytes, 4096);
        new Span<byte>(_src, (int)MovedBytes).Fill(0x5A);
        new Span<byte>(_dst, (int)MovedBytes).Fill(0xA5);
        // One untimed cycle touches every page of the region the migration writes to.
        PlaceMovables();
        Migrate();
        Release();
        PlaceAddressOnly();
        MigrateNoBytes();
        ReleaseAddressOnly();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _service.Dispose();
        _addressOnly.Dispose();
        NativeMemory.AlignedFree(_src);
        NativeMemory.AlignedFree(_dst);
    }

    [IterationSetup(Target = nameof(Migrate))]
    public void PlaceMovables()
    {
        _movables.Clear();
        for (int i = 0; i < ChunkSizes.Length; i++)
        {
            if (_service.TryAllocateMovableFrom("r", ChunkSizes[i], 0, false, out CmaMovableChunk? c) != CmaOutcome.Ok)
                throw new InvalidOperationException($"movable chunk {i} of {ChunkSizes[i]} bytes did not fit");
            using (CmaPin pin = c!.Pin())
                pin.Span.Fill((byte)i);
            _movables.Add(c);
        }
        CmaMovableChunk last = _movables[^1];
        if (_movables[0].Address != _regionStart || last.Address + last.Size != _regionStart + MovedBytes)
            throw new InvalidOperationException($"movable chunks are not packed in the region's lowest 64 MiB (0x{_movables[0].Address:X}..0x{last.Address + last.Size:X})");
        CmaRegionSnapshot s = _service.GetRegion("r");
        (_migrationsBefore, _migratedBefore) = (s.Migrations, s.MigratedBytes);
    }

    /// <summary>The contiguous request that migrates all 64 MiB of movable chunks.</summary>
    [Benchmark(Description = "Migrate 64 MiB (host)")]
    public ulong Migrate()
    {
        if (_service.TryAllocateFrom("r", MovedBytes, 0, out CmaChunk chunk) != CmaOutcome.Ok)
            throw new InvalidOperationException("the contiguous request failed");
        _contiguous = chunk.Address;
        return chunk.Address;
    }

    [IterationCleanup(Target = nameof(Migrate))]
    public void Release()
    {
        CmaRegionSnapshot s = _service.GetRegion("r");
        if (_contiguous != _regionStart || s.Migrations - _migrationsBefore != ChunkSizes.Length || s.MigratedBytes - _migratedBefore != MovedBytes)
            throw new InvalidOperationException($"expected {ChunkSizes.Length} moves of {MovedBytes} bytes at the region's start; got chunk 0x{_contiguous:X}, {s.Migrations - _migrationsBefore} moves, {s.MigratedBytes - _migratedBefore} bytes");
        _service.Free(_contiguous);
        foreach (CmaMovableChunk c in _movables)
            c.Dispose();
        _movables.Clear();
    }

    [IterationSetup(Target = nameof(MigrateNoBytes))]
    public void PlaceAddressOnly()
    {
        foreach (ulong size in ChunkSizes)
        {
            if (_addressOnly.TryAllocateMovableFrom("r", size, 0, false, out CmaMovableChunk? c) != CmaOutcome.Ok)
                throw new InvalidOperationException("a movable chunk did not fit");
            _addressOnlyMovables.Add(c!);
        }
    }

    /// <summary>The same contiguous request over the same chunks in an address-space-only region: moves without bytes.</summary>
    [Benchmark(Description = "Migrate, no bytes (Backing None)")]
    public ulong MigrateNoBytes()
    {
        if (_addressOnly.TryAllocateFrom("r", MovedBytes, 0, out CmaChunk chunk) != CmaOutcome.Ok)
            throw new InvalidOperationException("the contiguous request failed");
        _contiguous = chunk.Address;
        return chunk.Address;
    }

    [IterationCleanup(Target = nameof(MigrateNoBytes))]
    public void ReleaseAddressOnly()
    {
        if (_addressOnlyMovables.Any(m => m.Address < _contiguous + MovedBytes))
            throw new InvalidOperationException("a movable chunk was not moved out of the contiguous chunk");
        _addressOnly.Free(_contiguous);
        foreach (CmaMovableChunk c in _addressOnlyMovables)
            c.Dispose();
        _addressOnlyMovables.Clear();
    }

    /// <summary>The floor: 64 MiB in one <c>Buffer.MemoryCopy</c> between two native buffers.</summary>
    [Benchmark(Baseline = true, Description = "Buffer.MemoryCopy 64 MiB")]
    public void Memmove() => Buffer.MemoryCopy(_src, _dst, MovedBytes, MovedBytes);

    /// <summary>The same 64 MiB copied in the movable chunks' sizes, one <c>Buffer.MemoryCopy</c> each.</summary>
    [Benchmark(Description = "Buffer.MemoryCopy per chunk")]
    public void MemmovePerChunk()
    {
        ulong offset = 0;
        foreach (ulong size in ChunkSizes)
        {
            Buffer.MemoryCopy(_src + offset, _dst + offset, size, size);
            offset += size;
        }
    }

    /// <summary>Diagnostic (quick mode only, after <see cref="PlaceMovables"/>): copies each movable chunk's bytes to the
    /// same offset 64 MiB higher in the region — where the migration puts them — with one <c>Buffer.MemoryCopy</c> each,
    /// through a pin, without the host's bookkeeping. Writes free space of the region (overwritten by the migration).</summary>
    public void CopyInRegion()
    {
        foreach (CmaMovableChunk c in _movables)
        {
            using CmaPin pin = c.Pin();
            byte* from = (byte*)pin.Pointer;
            Buffer.MemoryCopy(from, from + MovedBytes, c.Size, c.Size);
        }
    }

    private static ulong[] MakeSizes(int seed)
    {
        var rng = new Random(seed);
        var sizes = new List<ulong>();
        ulong total = 0;
        while (total < MovedBytes)
        {
            ulong size = Math.Min(4096UL * (ulong)rng.Next(1, 17), MovedBytes - total);
            sizes.Add(size);
            total += size;
        }
        return [.. sizes];
    }
}
