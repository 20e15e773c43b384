using BenchmarkDotNet.Attributes;

namespace Cma.Benchmarks;

/// <summary>
/// What <c>Persist: true</c> costs per allocate and free through the host, against the same File region without it,
/// for both flush policies: one allocate+free pair of a 64 KiB chunk (<c>TryAllocateFrom</c> + <c>TryFree</c>) in a
/// 64 MiB best-fit File region. Each pair writes two journal records when persisting (one per change).
/// Run: <c>dotnet run -c Release --project tests/Cma.Benchmarks -- persist bdn</c>.
/// </summary>
[Config(typeof(InProcessPairConfig))]
[MemoryDiagnoser]
public class PersistBenchmarks
{
    /// <summary>The cases: no <c>Persist</c>, <c>PersistFlush: Os</c>, <c>PersistFlush: EachChange</c>.</summary>
    [Params("none", "Os", "EachChange")]
    public string Persist { get; set; } = "none";

    private string _dir = "";
    private CmaService _service = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "cma-persist-bdn-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        string extra = Persist switch
        {
            "Os" => ", \"Persist\": true",
            "EachChange" => ", \"Persist\": true, \"PersistFlush\": \"EachChange\"",
            _ => "",
        };
        _service = ReusableHost.Create($$"""[ { "Name": "r", "Size": "64M", "Allocator": "best-fit", "Backing": "File", "BackingPath": "{{Path.Combine(_dir, "r.bin")}}"{{extra}} } ]""");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _service.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>One allocate+free pair.</summary>
    [Benchmark]
    public CmaOutcome AllocateFree()
    {
        if (_service.TryAllocateFrom("r", 64 * 1024, 0, out CmaChunk chunk) != CmaOutcome.Ok)
            throw new InvalidOperationException("The benchmark region refused a 64 KiB chunk.");
        return _service.TryFree(chunk.Address);
    }
}
