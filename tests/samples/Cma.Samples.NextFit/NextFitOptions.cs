using Microsoft.Extensions.Configuration;

namespace Cma.Samples.NextFit;

/// <summary>The region's <c>Settings</c> for next-fit, read with <see cref="CmaSettingsReader"/>.</summary>
internal sealed class NextFitOptions
{
    /// <summary>Whether the rover goes back to the region's start when the last allocation is freed (default true),
    /// so that an emptied region places like a fresh one.</summary>
    public bool RewindWhenEmpty { get; private init; } = true;

    /// <summary>Reads the settings; every problem (an unknown key, a bad value) is reported at once.</summary>
    /// <param name="settings">The region's Settings section (possibly empty).</param>
    /// <returns>The options.</returns>
    /// <exception cref="CmaSettingsException">A setting is unknown or invalid; the message says which and how to fix it.</exception>
    public static NextFitOptions Read(IConfiguration settings)
    {
        var reader = new CmaSettingsReader(settings, nameof(RewindWhenEmpty));
        var options = new NextFitOptions { RewindWhenEmpty = reader.GetBoolean(nameof(RewindWhenEmpty), defaultValue: true) };
        reader.ThrowIfInvalid();
        return options;
    }
}
