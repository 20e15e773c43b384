namespace Cma.Host.Tests.Guard;

/// <summary>
/// What the <c>faulty</c> test plugin's calling-out faults call (its <c>Hook</c> setting names it): an
/// <see cref="AppContext"/> data entry holding an <see cref="Action{T}"/> of the region's name, under a name unique to
/// this hook, so that parallel tests never call each other's. The plugin, loaded in its own context, sees only the
/// contract and core types; <see cref="Action{T}"/> is one, so no reflection into the plugin is needed.
/// </summary>
internal sealed class PluginHook : IDisposable
{
    /// <summary>Registers <paramref name="action"/> (or nothing yet) under a fresh name.</summary>
    public PluginHook(Action<string>? action = null)
    {
        Name = "Cma.Host.Tests.PluginHook." + Guid.NewGuid().ToString("N");
        Set(action);
    }

    /// <summary>The <see cref="AppContext"/> data name, for the region's <c>Hook</c> setting.</summary>
    public string Name { get; }

    /// <summary>Replaces what the plugin calls (null: nothing).</summary>
    public void Set(Action<string>? action) => AppContext.SetData(Name, action);

    /// <summary>Unregisters the action.</summary>
    public void Dispose() => AppContext.SetData(Name, null);
}
