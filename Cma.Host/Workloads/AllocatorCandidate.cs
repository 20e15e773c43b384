namespace Cma.Host.Workloads;

/// <summary>An allocator to compare: its name and its provider.</summary>
/// <param name="Name">The provider's name.</param>
/// <param name="Provider">The provider, which creates one allocator per replay.</param>
internal sealed record AllocatorCandidate(string Name, ICmaAllocatorProvider Provider);
