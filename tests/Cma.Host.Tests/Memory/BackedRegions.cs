using Cma.Host.Tests.Api;

namespace Cma.Host.Tests.Memory;

/// <summary>Region JSON for backed-region tests, and a host over them.</summary>
internal static class BackedRegions
{
    /// <summary>A unique name for a file in /dev/shm, so parallel tests and test runs never share one.</summary>
    public static string UniqueSharedName() => "cma-test-" + Guid.NewGuid().ToString("N");

    /// <summary>A Native region with extra JSON members (e.g. <c>"GuardBytes": "64"</c>).</summary>
    public static string Native(string name, string size = "4M", string allocator = "best-fit", string extra = "") =>
        $$"""{ "Name": "{{name}}", "Size": "{{size}}", "Allocator": "{{allocator}}", "Backing": "Native"{{(extra.Length == 0 ? "" : ", " + extra)}} }""";

    /// <summary>A File or Shared region over <paramref name="path"/>.</summary>
    public static string Mapped(string name, string backing, string path, string size = "1M", string extra = "") =>
        $$"""{ "Name": "{{name}}", "Size": "{{size}}", "Backing": "{{backing}}", "BackingPath": "{{path}}"{{(extra.Length == 0 ? "" : ", " + extra)}} }""";

    /// <summary>A host over one region (JSON) with an optional map.</summary>
    public static TestHost Start(string region, string? map = null) => TestHost.Start("[ " + region + " ]", map);

    /// <summary>A buffer from region <paramref name="region"/>, asserting that the allocation succeeds.</summary>
    public static CmaBuffer Allocate(TestHost host, string region, ulong size, ulong alignment = 0)
    {
        CmaOutcome outcome = host.Service.TryAllocateBufferFrom(region, size, alignment, out CmaBuffer? buffer);
        Assert.Equal(CmaOutcome.Ok, outcome);
        return buffer!;
    }
}
