using Microsoft.Extensions.Configuration;

namespace Cma.Plugins.Buddy;

/// <summary>
/// The buddy allocator's settings, read from a region's <c>Settings</c> section:
/// <c>MaxOrder</c> (0..63, default: the largest block the region holds) and <c>TrimTail</c> (default false).
/// </summary>
internal sealed class BuddyOptions
{
    /// <summary>The settings keys this plugin understands.</summary>
    private static readonly string[] s_keys = ["MaxOrder", "TrimTail"];

    /// <summary>Creates options from values already checked.</summary>
    private BuddyOptions(int? maxOrder, bool trimTail)
    {
        MaxOrder = maxOrder;
        TrimTail = trimTail;
    }

    /// <summary>The largest block order (blocks of 2^MaxOrder granules), or null for "whatever the region needs".</summary>
    public int? MaxOrder { get; }

    /// <summary>Whether an allocation keeps only the granules asked for and returns the rest of its power-of-two
    /// block to the free lists (like the kernel's <c>alloc_pages_exact</c>).</summary>
    public bool TrimTail { get; }

    /// <summary>Reads the settings, reporting every unknown key and bad value at once.</summary>
    /// <exception cref="CmaSettingsException">A key is unknown or a value is invalid.</exception>
    public static BuddyOptions Read(IConfiguration settings)
    {
        var reader = new CmaSettingsReader(settings, s_keys);
        int maxOrder = reader.GetInt32("MaxOrder", defaultValue: -1, min: 0, max: BuddyMath.HighestOrder);
        bool trimTail = reader.GetBoolean("TrimTail", defaultValue: false);
        reader.ThrowIfInvalid();
        return new BuddyOptions(maxOrder < 0 ? null : maxOrder, trimTail);
    }
}
