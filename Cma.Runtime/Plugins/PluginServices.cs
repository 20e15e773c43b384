using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cma.Runtime.Plugins;

/// <summary>
/// What a provider's constructor may ask for: what the contract promises (<see cref="ILoggerFactory"/> and
/// <see cref="ILogger{TCategoryName}"/>) and nothing else. Never the application's service provider: a plugin that
/// resolved <see cref="ICmaService"/> from it would start the service that is loading the plugins (an endless recursion
/// at start-up), and any other service would hand a plugin the application's internals. Not even
/// <see cref="IServiceProvider"/> itself is served, so that a provider that asks for it is refused with a reason rather
/// than given something it did not expect.
/// </summary>
internal sealed class PluginServices : IServiceProvider, IServiceProviderIsService
{
    /// <summary>What plugins are given, for messages.</summary>
    public const string Offered = "ILogger<T> and ILoggerFactory";

    /// <summary>The host's logging; every logger handed out comes from it.</summary>
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Serves <paramref name="loggerFactory"/> and loggers created from it.</summary>
    public PluginServices(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _loggerFactory = loggerFactory;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType)
    {
        if (serviceType == typeof(ILoggerFactory))
            return _loggerFactory;
        if (IsLogger(serviceType))
            return Activator.CreateInstance(typeof(Logger<>).MakeGenericType(serviceType.GenericTypeArguments), _loggerFactory);
        if (serviceType == typeof(IServiceProviderIsService))
            return this;   // lets ActivatorUtilities choose the constructor by what is served
        return null;
    }

    /// <inheritdoc/>
    public bool IsService(Type serviceType) => serviceType == typeof(ILoggerFactory) || IsLogger(serviceType);

    /// <summary>Null when some public constructor of <paramref name="type"/> takes only what plugins are given (or
    /// parameters with defaults); else the parameter types that no public constructor can get, named for a message.</summary>
    public string? UnservedParameters(Type type)
    {
        ConstructorInfo[] constructors = type.GetConstructors();
        if (constructors.Length == 0)
            return null;   // ActivatorUtilities reports it
        var unserved = new List<string>();
        foreach (ConstructorInfo constructor in constructors)
        {
            bool satisfiable = true;
            foreach (ParameterInfo parameter in constructor.GetParameters())
            {
                if (parameter.HasDefaultValue || IsService(parameter.ParameterType))
                    continue;
                satisfiable = false;
                string name = parameter.ParameterType.FullName ?? parameter.ParameterType.Name;
                if (!unserved.Contains(name))
                    unserved.Add(name);
            }
            if (satisfiable)
                return null;
        }
        return string.Join(", ", unserved);
    }

    private static bool IsLogger(Type serviceType) =>
        serviceType.IsConstructedGenericType && serviceType.GetGenericTypeDefinition() == typeof(ILogger<>);
}
