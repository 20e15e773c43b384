using System.Text;
using Cma.Runtime.Regions;
using Cma.Host.Workloads;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cma.Host.Tests.Workloads;

/// <summary>Small helpers: readers over strings, trace files in a temp folder, regions for replays.</summary>
internal static class WorkloadTestKit
{
    public static TraceLineReader Lines(string text) => new(new MemoryStream(Encoding.UTF8.GetBytes(text)), "test.trace");

    public static List<TraceOp> ReadAll(ITraceReader reader)
    {
        var ops = new List<TraceOp>();
        while (reader.TryRead(out TraceOp op))
            ops.Add(op);
        return ops;
    }

    /// <summary>Writes <paramref name="text"/> to a fresh file named <paramref name="name"/> and returns its path.</summary>
    public static string WriteTemp(string name, string text)
    {
        string dir = Path.Combine(Path.GetTempPath(), "cma-workload-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>An open region of <paramref name="size"/> bytes at 1 GiB managed by <paramref name="provider"/>.</summary>
    public static Region OpenRegion(ulong size, ulong granule = 4096, ICmaAllocatorProvider? provider = null)
    {
        provider ??= new FirstFitProvider();
        var region = new Region(new CmaRegion("test", 1UL << 30, size, granule), granule, provider.Name, provider,
            new ConfigurationBuilder().Build(), NullLogger.Instance);
        Assert.Null(region.Open());
        return region;
    }

    /// <summary>Replays Cma-format <paramref name="trace"/> text on a fresh first-fit region.</summary>
    public static ReplayResult Replay(string trace, ulong regionSize, ulong granule = 4096, ReplayOptions? options = null)
    {
        using var reader = new CmaTraceReader(Lines(trace), "test.trace", lenient: false);
        return AllocatorReplay.Run(reader, OpenRegion(regionSize, granule), options ?? new ReplayOptions());
    }
}
