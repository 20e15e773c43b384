using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Cma;

/// <summary>
/// Reads a region's <c>Settings</c> section for a plugin, collecting every problem (unknown keys with a
/// "did you mean", values that do not parse or are out of range) so that <see cref="ThrowIfInvalid"/> reports
/// them all at once as a <see cref="CmaSettingsException"/>.
/// </summary>
/// <example>
/// <code>
/// var reader = new CmaSettingsReader(settings, "OrderPerBit", "Fit");
/// int order = reader.GetInt32("OrderPerBit", defaultValue: 0, min: 0, max: 20);
/// Fit fit = reader.GetEnum("Fit", Fit.First);
/// reader.ThrowIfInvalid();
/// </code>
/// </example>
public sealed class CmaSettingsReader
{
    /// <summary>The section being read.</summary>
    private readonly IConfiguration _settings;

    /// <summary>Problems found so far, in the order found.</summary>
    private readonly List<string> _problems = [];

    /// <summary>Starts reading <paramref name="settings"/>, which may contain only <paramref name="knownKeys"/>.</summary>
    /// <param name="settings">The region's settings section.</param>
    /// <param name="knownKeys">Every key the plugin understands (compared case-insensitively, as configuration keys are).</param>
    public CmaSettingsReader(IConfiguration settings, params string[] knownKeys)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(knownKeys);
        _settings = settings;
        foreach (IConfigurationSection child in settings.GetChildren())
        {
            if (!knownKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                string known = knownKeys.Length == 0 ? "none" : string.Join(", ", knownKeys);
                _problems.Add($"unknown setting '{child.Key}'.{NameSuggestion.Hint(child.Key, knownKeys)} Known settings: {known}.");
            }
        }
    }

    /// <summary>The problems found so far.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Reads an integer setting.</summary>
    /// <param name="key">The setting's key.</param>
    /// <param name="defaultValue">The value when the key is absent.</param>
    /// <param name="min">The smallest value allowed.</param>
    /// <param name="max">The largest value allowed.</param>
    /// <returns>The value, or <paramref name="defaultValue"/> when absent or invalid (the problem is recorded).</returns>
    public int GetInt32(string key, int defaultValue, int min, int max)
    {
        string? text = _settings[key];
        if (text is null)
            return defaultValue;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            _problems.Add($"setting '{key}' is '{text}'; it must be a whole number from {min} to {max}.");
            return defaultValue;
        }
        return value;
    }

    /// <summary>Reads a size setting (<c>"64K"</c>, <c>"0x1000"</c>; see <see cref="CmaSize"/>).</summary>
    /// <param name="key">The setting's key.</param>
    /// <param name="defaultValue">The value when the key is absent.</param>
    /// <returns>The value, or <paramref name="defaultValue"/> when absent or invalid (the problem is recorded).</returns>
    public ulong GetSize(string key, ulong defaultValue)
    {
        string? text = _settings[key];
        if (text is null)
            return defaultValue;
        if (!CmaSize.TryParse(text, out ulong value))
        {
            _problems.Add($"setting '{key}' is '{text}'; it must be a size such as 4096, 64K, 16M or 0x1000.");
            return defaultValue;
        }
        return value;
    }

    /// <summary>Reads a true/false setting.</summary>
    /// <param name="key">The setting's key.</param>
    /// <param name="defaultValue">The value when the key is absent.</param>
    /// <returns>The value, or <paramref name="defaultValue"/> when absent or invalid (the problem is recorded).</returns>
    public bool GetBoolean(string key, bool defaultValue)
    {
        string? text = _settings[key];
        if (text is null)
            return defaultValue;
        if (!bool.TryParse(text, out bool value))
        {
            _problems.Add($"setting '{key}' is '{text}'; it must be true or false.");
            return defaultValue;
        }
        return value;
    }

    /// <summary>Reads an enumeration setting; names compare case-insensitively and ignore dashes
    /// (<c>"next"</c>, <c>"Next"</c>, <c>"best-fit"</c> for <c>BestFit</c>).</summary>
    /// <typeparam name="TEnum">The enumeration.</typeparam>
    /// <param name="key">The setting's key.</param>
    /// <param name="defaultValue">The value when the key is absent.</param>
    /// <returns>The value, or <paramref name="defaultValue"/> when absent or invalid (the problem is recorded).</returns>
    public TEnum GetEnum<TEnum>(string key, TEnum defaultValue)
        where TEnum : struct, Enum
    {
        string? text = _settings[key];
        if (text is null)
            return defaultValue;
        string normalized = text.Replace("-", "", StringComparison.Ordinal).Trim();
        foreach (TEnum value in Enum.GetValues<TEnum>())
        {
            if (string.Equals(value.ToString(), normalized, StringComparison.OrdinalIgnoreCase))
                return value;
        }
        string[] names = Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()).ToArray();
        _problems.Add($"setting '{key}' is '{text}'; it must be one of: {string.Join(", ", names)}.{NameSuggestion.Hint(text, names)}");
        return defaultValue;
    }

    /// <summary>Records a problem the plugin found itself (for example two settings that contradict each other).</summary>
    /// <param name="problem">What is wrong and how to fix it.</param>
    public void AddProblem(string problem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        _problems.Add(problem);
    }

    /// <summary>Throws one <see cref="CmaSettingsException"/> listing every problem found, if there are any.</summary>
    /// <exception cref="CmaSettingsException">At least one problem was found.</exception>
    public void ThrowIfInvalid()
    {
        if (_problems.Count == 1)
            throw new CmaSettingsException(char.ToUpperInvariant(_problems[0][0]) + _problems[0][1..]);
        if (_problems.Count > 1)
            throw new CmaSettingsException(string.Join(" ", _problems.Select((p, i) => $"({i + 1}) {p}")));
    }
}
