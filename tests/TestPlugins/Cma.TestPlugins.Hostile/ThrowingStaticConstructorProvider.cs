using Microsoft.Extensions.Configuration;

namespace Cma.TestPlugins.Hostile;

/// <summary>Provider <c>hostile-static-constructor</c>: its type initializer throws, so it can never be created.</summary>
public sealed class ThrowingStaticConstructorProvider : ICmaAllocatorProvider
{
    /// <summary>Read by the type initializer, which throws before setting it.</summary>
    private static readonly string s_name = Fail();

    /// <inheritdoc/>
    public string Name => s_name;

    /// <inheritdoc/>
    public string Description => "Its type initializer throws (test plugin).";

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings) =>
        throw new NotSupportedException("hostile-static-constructor allocates nothing.");

    private static string Fail() => throw new InvalidOperationException("hostile-static-constructor: the license file /etc/acme/license is missing.");
}
