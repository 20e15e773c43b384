using Microsoft.Extensions.Configuration;

namespace Cma.Plugins.BestFit;

/// <summary>
/// The settings of a best-fit region: there are none. Reading them still matters, so that a misspelt or
/// misplaced key (say a bitmap's <c>Fit</c> left behind after switching allocators) is reported instead of
/// silently ignored.
/// </summary>
internal sealed class BestFitOptions
{
    /// <summary>The options of every best-fit region (there is nothing to vary).</summary>
    private static readonly BestFitOptions s_default = new();

    /// <summary>Use <see cref="Read"/>.</summary>
    private BestFitOptions()
    {
    }

    /// <summary>Reads a region's <c>Settings</c> section.</summary>
    /// <param name="settings">The section; it must be empty.</param>
    /// <returns>The options.</returns>
    /// <exception cref="CmaSettingsException">The section has a key; the message names every one.</exception>
    public static BestFitOptions Read(IConfiguration settings)
    {
        var reader = new CmaSettingsReader(settings);
        if (reader.Problems.Count > 0)
            reader.AddProblem("best-fit takes no settings: remove the region's Settings section, or choose another allocator.");
        reader.ThrowIfInvalid();
        return s_default;
    }
}
