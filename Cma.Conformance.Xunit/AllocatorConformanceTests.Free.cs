using Xunit;

namespace Cma.Conformance.Xunit;

/// <summary>Freeing: reuse, and coalescing back to the initial free space.</summary>
public abstract partial class AllocatorConformanceTests
{
    /// <summary><see cref="ConformanceSuite.FreedSpaceIsReusedWithoutOverlap"/>.</summary>
    [Fact]
    public void Freed_space_is_reused_without_overlap() => Run(ConformanceSuite.FreedSpaceIsReusedWithoutOverlap);

    /// <summary><see cref="ConformanceSuite.FreeingEverythingRestoresTheInitialFreeSpace"/>.</summary>
    [Fact]
    public void Freeing_everything_restores_the_initial_free_space() => Run(ConformanceSuite.FreeingEverythingRestoresTheInitialFreeSpace);
}
