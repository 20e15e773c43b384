using Cma;
using Microsoft.Extensions.Configuration;

namespace Acme.FirstFit;

/// <summary>The region's <c>Settings</c> for acme-first-fit, read with <see cref="CmaSettingsReader"/> (which rejects
/// unknown keys and reports every problem at once).</summary>
internal sealed class FirstFitOptions
{
    /// <summary>Search from the top of the region down and place each request as high as it fits (default false:
    /// from the bottom up, as low as it fits).</summary>
    public bool FromTop { get; private init; }

    /// <summary>Reads the settings.</summary>
    /// <param name="settings">The region's Settings section (possibly empty).</param>
    /// <returns>The options.</returns>
    /// <exception cref="CmaSettingsException">A setting is unknown or invalid; the message says which and how to fix it.</exception>
    public static FirstFitOptions Read(IConfiguration settings)
    {
        var reader = new CmaSettingsReader(settings, nameof(FromTop));
        var options = new FirstFitOptions { FromTop = reader.GetBoolean(nameof(FromTop), defaultValue: false) };
        reader.ThrowIfInvalid();
        return options;
    }
}
