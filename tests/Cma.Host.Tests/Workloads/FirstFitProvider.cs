namespace Cma.Host.Tests.Workloads;

/// <summary>A tiny first-fit allocator for the workload tests, so they do not depend on the first-party plugins:
/// requests go to the lowest aligned address that fits.</summary>
internal sealed class FirstFitProvider : ICmaAllocatorProvider
{
    public string Name => "first-fit";

    public string Description => "Lowest aligned address that fits (test allocator).";

    public ICmaAllocator Create(CmaRegion region, Microsoft.Extensions.Configuration.IConfiguration settings) => new FirstFitAllocator(region);
}
