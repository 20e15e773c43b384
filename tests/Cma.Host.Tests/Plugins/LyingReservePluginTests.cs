using Cma.Conformance;
using Cma.Host.Tests.Configuration;
using Cma.Runtime.Plugins;
using Microsoft.Extensions.Configuration;

namespace Cma.Host.Tests.Plugins;

/// <summary>
/// Provider <c>hostile-reserve</c> of the hostile test plugin, loaded as a real DLL: an allocator with exact placement
/// (contract 1.1) whose reserve lies about occupied ranges when its <c>LieWhenOccupied</c> setting says so. Honest, it
/// passes the whole kit, exact placement included; lying, the kit's exact-placement checks catch it. (The host's guard
/// over <c>TryReserve</c> comes with the runtime's use of exact placement: a swap or restore.)
/// </summary>
public sealed class LyingReservePluginTests
{
    [Fact]
    public void Honest_it_passes_every_check_of_the_kit_exact_placement_included()
    {
        using var dir = new TempConfigFolder();
        TestAssemblies.CopyPlugin(TestAssemblies.HostilePluginPath, dir.Path);
        using PluginCatalog catalog = PluginCatalog.Load([dir.Path]);
        ICmaAllocatorProvider provider = catalog.Find("hostile-reserve")!.Instance;

        IReadOnlyList<ConformanceResult> results = ConformanceRunner.Run(provider, new ConformanceOptions { Ops = 2000 });

        Assert.All(results, r => Assert.True(r.Passed && !r.NotApplicable, $"{r.CheckName}: {r.Message}"));
        Assert.Equal(ConformanceSuite.All.Count, results.Count);
    }

    [Fact]
    public void Lying_about_an_occupied_range_fails_the_exact_placement_checks_and_only_them()
    {
        using var dir = new TempConfigFolder();
        TestAssemblies.CopyPlugin(TestAssemblies.HostilePluginPath, dir.Path);
        using PluginCatalog catalog = PluginCatalog.Load([dir.Path]);
        ICmaAllocatorProvider provider = catalog.Find("hostile-reserve")!.Instance;
        IConfiguration lying = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LieWhenOccupied"] = "true" }).Build();

        IReadOnlyList<ConformanceResult> results = ConformanceRunner.Run("hostile-reserve", region => provider.Create(region, lying), new ConformanceOptions { Ops = 2000 });

        ConformanceResult occupied = Assert.Single(results, r => r.CheckName == ConformanceSuite.ReservingAnOccupiedRangeFailsAndChangesNothing.Name);
        Assert.False(occupied.Passed);
        Assert.Contains("returned true, but what it reserves", occupied.Message, StringComparison.Ordinal);
        Assert.False(Assert.Single(results, r => r.CheckName == ConformanceSuite.RandomReservesMatchTheFootprintModel.Name).Passed);
        Assert.All(results.Where(r => r.Concern != ConformanceConcern.ExactPlacement), r => Assert.True(r.Passed, $"{r.CheckName}: {r.Message}"));
    }
}
