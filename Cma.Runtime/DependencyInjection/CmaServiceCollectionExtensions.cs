using System.Diagnostics.Metrics;
using Cma.Runtime;
using Cma.Runtime.Configuration;
using Cma.Runtime.DependencyInjection;
using Cma.Runtime.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Cma runtime in an application's service collection.</summary>
public static class CmaServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ICmaService"/> (a singleton over the regions the section configures) and the plugin catalog.
    /// Plugins are loaded from <c>plugins/</c> beside the application (reference the plugin projects, or copy them
    /// there) and from the section's <c>Plugins:Directories</c>, resolved against the application's folder.
    /// With the Generic Host the configuration is validated when the host starts (a registered start-up validation,
    /// like <c>ValidateOnStart</c>), so an invalid configuration stops the application before it serves anything;
    /// without a host it is validated when <see cref="ICmaService"/> is first resolved. Either way an invalid
    /// configuration throws <see cref="CmaConfigurationException"/> listing every problem.
    /// When the section's configuration reloads (e.g. <c>AddJsonFile(path, reloadOnChange: true)</c>), the new section is
    /// applied to the running service (<see cref="ICmaService.Apply"/>): if it is invalid or cannot be applied while
    /// running, nothing changes and <see cref="ICmaService.LastReload"/> says why.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="cmaSection">The <c>Cma</c> section, e.g. <c>configuration.GetSection("Cma")</c>.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddCma(this IServiceCollection services, IConfiguration cmaSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(cmaSection);
        // The section is read once; its validated plugin settings load the catalog, then the rest is validated against it.
        services.TryAddSingleton(_ => CmaConfigurationLoader.ReadSection(cmaSection, AppContext.BaseDirectory));
        // Plugins get logging only, never this provider: one that resolved ICmaService from it would recurse forever.
        services.TryAddSingleton(sp => PluginCatalog.Load(sp.GetRequiredService<CmaConfigurationSource>().Plugins, null, sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<CmaService>(sp =>
        {
            PluginCatalog catalog = sp.GetRequiredService<PluginCatalog>();
            ConfigLoadResult result = CmaConfigurationLoader.Validate(sp.GetRequiredService<CmaConfigurationSource>(), [.. catalog.Providers.Select(p => p.Name)]);
            if (!result.IsValid)
                throw new CmaConfigurationException([.. result.Problems.Select(p => p.ToString()), .. catalog.Failures.Select(f => "plugin " + f)]);
            ILoggerFactory loggers = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            CmaConfigurationSource source = sp.GetRequiredService<CmaConfigurationSource>();
            (CmaService? service, IReadOnlyList<ConfigProblem> problems) = CmaRuntimeBuilder.Build(result.Options!, catalog, loggers, sp.GetService<IMeterFactory>(), source.BaseDirectory);
            if (service is null)
                throw new CmaConfigurationException([.. problems.Select(p => p.ToString())]);
            service.StartPlugins = source.Plugins;
            service.WatchForChanges(cmaSection);
            return service;
        });
        services.TryAddSingleton<ICmaService>(sp => sp.GetRequiredService<CmaService>());
        // Start-up validation: the host's IStartupValidator builds this options instance at start, which builds the
        // service (configuration, plugins, regions) and so throws there, not at the first request.
        services.AddOptions<CmaStartupValidation>()
            .Configure<IServiceProvider>((_, sp) => sp.GetRequiredService<CmaService>())
            .ValidateOnStart();
        return services;
    }
}
