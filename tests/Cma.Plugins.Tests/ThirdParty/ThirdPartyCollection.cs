namespace Cma.Plugins.Tests.ThirdParty;

/// <summary>The tests that pack the contract and build the sample third-party plugin: they run alone (the build takes
/// both cores) and share one build.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThirdPartyCollection : ICollectionFixture<SamplePluginBuild>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Third-party plugin";
}
