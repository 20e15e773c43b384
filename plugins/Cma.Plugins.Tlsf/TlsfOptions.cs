using Microsoft.Extensions.Configuration;

namespace Cma.Plugins.Tlsf;

/// <summary>
/// The TLSF allocator's settings, read from a region's <c>Settings</c> section: <c>SecondLevelBits</c> (1..6,
/// default 5): each power of two of sizes is cut into 2^SecondLevelBits size classes.
/// </summary>
internal sealed class TlsfOptions
{
    /// <summary>The default second-level bits: 32 classes per power of two, so the search rounds a request up by
    /// less than 1/32 (about 3 %).</summary>
    public const int DefaultSecondLevelBits = 5;

    /// <summary>The settings keys this plugin understands.</summary>
    private static readonly string[] s_keys = ["SecondLevelBits"];

    /// <summary>Creates options from values already checked.</summary>
    private TlsfOptions(int secondLevelBits) => SecondLevelBits = secondLevelBits;

    /// <summary>Second-level bits b: 2^b size classes per power of two of the block size (1..6).</summary>
    public int SecondLevelBits { get; }

    /// <summary>Reads the settings, reporting every unknown key and bad value at once.</summary>
    /// <exception cref="CmaSettingsException">A key is unknown or a value is invalid.</exception>
    public static TlsfOptions Read(IConfiguration settings)
    {
        var reader = new CmaSettingsReader(settings, s_keys);
        int bits = reader.GetInt32("SecondLevelBits", DefaultSecondLevelBits, SizeClasses.MinSecondLevelBits, SizeClasses.MaxSecondLevelBits);
        reader.ThrowIfInvalid();
        return new TlsfOptions(bits);
    }
}
