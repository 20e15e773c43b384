using System.Reflection;
using Cma.Conformance;
using Xunit;

namespace Cma.Conformance.Xunit;

/// <summary>
/// The conformance kit as an abstract xunit suite: a plugin's test project derives one class of a few lines,
/// names its provider and creates allocators, and gets one test per check of <see cref="ConformanceSuite"/>.
/// Where allocators legitimately differ, the checks read each allocator's <see cref="ICmaAllocator.Traits"/>;
/// <see cref="Capabilities"/> may state or narrow them.
/// </summary>
/// <example>
/// <code>
/// public sealed class AcmeTlsfConformanceTests : AllocatorConformanceTests
/// {
///     public override string AllocatorName =&gt; "acme-tlsf";
///     protected override ICmaAllocator CreateAllocator(CmaRegion region) =&gt;
///         new AcmeTlsfProvider().Create(region, new ConfigurationBuilder().Build());
/// }
/// </code>
/// </example>
public abstract partial class AllocatorConformanceTests
{
    /// <summary>The provider name this suite tests (e.g. <c>best-fit</c>); a compliance test maps plugins to suites by it.</summary>
    public abstract string AllocatorName { get; }

    /// <summary>How many random operations <see cref="Random_sequences_match_the_reference_model"/> runs.</summary>
    protected virtual int RandomOperations => ConformanceOptions.DefaultOps;

    /// <summary>The seed of the randomized check; null for <see cref="ConformanceOptions.DefaultSeed"/>. Paste a
    /// failure's seed here to reproduce it.</summary>
    protected virtual string? Seed => null;

    /// <summary>The granule of the regions the checks create.</summary>
    protected virtual ulong Granule => 4096;

    /// <summary>Capability flags: by default everything is read from the allocator's traits.</summary>
    protected virtual ConformanceCapabilities Capabilities => ConformanceCapabilities.FromTraits;

    /// <summary>Creates a new allocator that manages the whole of <paramref name="region"/>. The checks choose the
    /// regions (starts not aligned to large alignments, sizes that are not powers of two, up to 2^48 bytes, and one
    /// past the allocator's maximum, which must throw <see cref="CmaSettingsException"/>).</summary>
    /// <param name="region">The region.</param>
    /// <returns>The allocator.</returns>
    protected abstract ICmaAllocator CreateAllocator(CmaRegion region);

    /// <summary>Every check of the kit has a test method of its name here, so that none is silently left out.</summary>
    [Fact]
    public void Every_check_of_the_kit_has_a_test_in_this_suite()
    {
        var missing = new List<string>();
        foreach (ConformanceCheck check in ConformanceSuite.All)
        {
            MethodInfo? method = typeof(AllocatorConformanceTests).GetMethod(check.Name, BindingFlags.Public | BindingFlags.Instance);
            if (method?.GetCustomAttribute<FactAttribute>() is null)
                missing.Add(check.Name);
        }
        Assert.Empty(missing);
    }

    /// <summary>Runs one check of the kit; its <see cref="ConformanceFailure"/> fails the test with the check's message.</summary>
    /// <param name="check">The check.</param>
    protected void Run(ConformanceCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        var options = new ConformanceOptions
        {
            Ops = RandomOperations,
            Seed = Seed,
            Granule = Granule,
            Capabilities = Capabilities,
        };
        check.Run(new ConformanceContext(AllocatorName, CreateAllocator, options));
    }
}
