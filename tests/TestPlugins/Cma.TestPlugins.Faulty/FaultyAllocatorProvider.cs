using Microsoft.Extensions.Configuration;

namespace Cma.TestPlugins.Faulty;

/// <summary>
/// Provider <c>faulty</c>. Settings: <c>Fault</c> (see <see cref="Fault"/>; e.g. <c>"out-of-region"</c>), <c>AfterOps</c>
/// (correct TryAllocate/Free calls before the fault is armed; default 0), <c>DelayMs</c> (for <c>slow</c>; default 500).
/// </summary>
public sealed class FaultyAllocatorProvider : ICmaAllocatorProvider
{
    /// <summary>What <see cref="Fault.Reenter"/> and <see cref="Fault.Slow"/> call, with the region's name. A test sets it by
    /// reflection (this type lives in the plugin's own load context); each catalog load has its own copy.</summary>
    public static Action<string>? Callback { get; set; }

    /// <inheritdoc/>
    public string Name => "faulty";

    /// <inheritdoc/>
    public string Description => "First fit that breaks the allocator contract on purpose (test plugin).";

    /// <inheritdoc/>
    public ICmaAllocator Create(CmaRegion region, IConfiguration settings)
    {
        var reader = new CmaSettingsReader(settings, "Fault", "AfterOps", "DelayMs");
        Fault fault = reader.GetEnum("Fault", Fault.None);
        int afterOps = reader.GetInt32("AfterOps", 0, 0, int.MaxValue);
        int delayMs = reader.GetInt32("DelayMs", 500, 0, 60_000);
        reader.ThrowIfInvalid();
        if (fault == Fault.ThrowCreate)
            throw new InvalidOperationException($"faulty: Create of region '{region.Name}' fails on purpose.");
        return new FaultyAllocator(region, fault, afterOps, delayMs);
    }
}
