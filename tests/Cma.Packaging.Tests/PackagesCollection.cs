namespace Cma.Packaging.Tests;

/// <summary>Every package end-to-end test shares one <see cref="PackagedCma"/>: the solution is packed, and the
/// template, the tool and the embedding app are exercised, once per test run.</summary>
[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackagedCma>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Packages";
}
