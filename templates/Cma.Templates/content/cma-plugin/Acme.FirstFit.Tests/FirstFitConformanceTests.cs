using Cma;
using Cma.Conformance.Xunit;
using Microsoft.Extensions.Configuration;

namespace Acme.FirstFit.Tests;

/// <summary>Every check of the Cma conformance kit on acme-first-fit with its default settings.</summary>
public sealed class FirstFitConformanceTests : AllocatorConformanceTests
{
    /// <inheritdoc/>
    public override string AllocatorName => "acme-first-fit";

    /// <inheritdoc/>
    protected override ICmaAllocator CreateAllocator(CmaRegion region) =>
        new FirstFitProvider().Create(region, new ConfigurationBuilder().Build());
}

/// <summary>The kit again with <c>FromTop</c>: every setting's behaviour is held to the same contract.</summary>
public sealed class FirstFitFromTopConformanceTests : AllocatorConformanceTests
{
    /// <inheritdoc/>
    public override string AllocatorName => "acme-first-fit";

    /// <inheritdoc/>
    protected override ICmaAllocator CreateAllocator(CmaRegion region) =>
        new FirstFitProvider().Create(region, new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FromTop"] = "true" }).Build());
}
