using Cma.Runtime;
using Microsoft.Extensions.Configuration;

namespace Cma.TestPlugins.Hostile;

/// <summary>
/// Provider <c>hostile-service-locator</c>: its constructor takes the <see cref="IServiceProvider"/> it is given and
/// resolves <see cref="ICmaService"/> from it. Handed an application's root provider, that resolution starts the Cma
/// service, which loads the plugins, which constructs this provider again: an endless recursion at start-up. A host
/// must never hand it one. So that a host that does fails a test instead of hanging it, the constructor refuses to
/// run inside itself (tracked process-wide: each plugin load context has its own copy of this type's statics).
/// </summary>
public sealed class ServiceLocatorProvider : ICmaAllocatorProvider
{
    /// <summary>The process-wide key, per thread, marking a constructor in progress.</summary>
    private static string InProgressKey => "Cma.TestPlugins.Hostile.ServiceLocatorProvider:" + Environment.CurrentManagedThreadId;

    /// <summary>Resolves the host's service through <paramref name="services"/>.</summary>
    public ServiceLocatorProvider(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (AppDomain.CurrentDomain.GetData(InProgressKey) is true)
            throw new InvalidOperationException("hostile-service-locator: constructed again while resolving ICmaService: the host handed this plugin the provider that creates the plugins.");
        AppDomain.CurrentDomain.SetData(InProgressKey, true);
        try
        {
            Host = services.GetService(typeof(ICmaService)) as ICmaService;
        }
        finally
        {
            AppDomain.CurrentDomain.SetData(InProgressKey, null);
        }
    }

    /// <summary>The host's service, if the provider given had one.</summary>
    public ICmaService? Host { get; }

    /// <inheritdoc/>
    public string Name => "hostile-service-locator";

    /// <inheritdoc/>
    public string Description => "Resolves the host's ICmaService from its constructor (test plugin).";

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings) =>
        throw new NotSupportedException("hostile-service-locator allocates nothing.");
}
