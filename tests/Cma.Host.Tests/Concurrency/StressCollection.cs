namespace Cma.Host.Tests.Concurrency;

/// <summary>The stress tests use both cores flat out: they run alone, never beside other test classes.</summary>
[CollectionDefinition("Stress", DisableParallelization = true)]
public sealed class StressCollection
{
}
