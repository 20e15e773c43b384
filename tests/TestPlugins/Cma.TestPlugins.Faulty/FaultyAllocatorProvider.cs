using Microsoft.Extensions.Configuration;

namespace Cma.TestPlugins.Faulty;

/// <summary>
/// Provider <c>faulty</c>. Settings: <c>Fault</c> (see <see cref="Fault"/>; e.g. <c>"out-of-region"</c>), <c>AfterOps</c>
/// (correct TryAllocate/Free calls before the fault is armed; default 0), <c>DelayMs</c> (for <c>slow</c>; default 500),
/// <c>Hook</c> (for the faults that call out: the name of an <see cref="AppContext"/> data entry holding an
/// <c>Action&lt;string&gt;</c>, called with the region's name). The hook is how a test lets this plugin reach the host: the
/// plugin sees only the contract, and <see cref="Action{T}"/> is a core type, the same in every load context. Each test
/// picks a name of its own, so parallel tests never call each other's hooks.
/// </summary>
public sealed class FaultyAllocatorProvider : ICmaAllocatorProvider
{
    /// <inheritdoc/>
    public string Name => "faulty";

    /// <inheritdoc/>
    public string Description => "First fit that breaks the allocator contract on purpose (test plugin).";

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings)
    {
        var reader = new CmaSettingsReader(settings, "Fault", "AfterOps", "DelayMs", "Hook");
        Fault fault = reader.GetEnum("Fault", Fault.None);
        int afterOps = reader.GetInt32("AfterOps", 0, 0, int.MaxValue);
        int delayMs = reader.GetInt32("DelayMs", 500, 0, 60_000);
        string? hook = settings["Hook"];
        reader.ThrowIfInvalid();
        if (fault == Fault.ThrowCreate)
            throw new InvalidOperationException($"faulty: Create of region '{region.Name}' fails on purpose.");
        return new FaultyAllocator(region, fault, afterOps, delayMs, hook);
    }
}
