namespace Cma.Runtime.Mapping;

/// <summary>
/// One pattern of a map rule (RFC v4 grammar): <c>dev-pattern ['/' TYPE]</c> or <c>'/' TYPE</c>.
/// The device part matches literally except that <c>?</c> matches any one character and a trailing <c>*</c>
/// matches the rest, including nothing (a <c>*</c> anywhere else is an ordinary character). A pattern without a
/// device part reuses whether the device matched the previous pattern tried. A missing type part matches every
/// type; a type part is compared literally.
/// </summary>
internal sealed class MapPattern
{
    /// <summary>Creates a pattern; <paramref name="device"/> null means "reuse the previous device match".</summary>
    public MapPattern(string? device, string? type)
    {
        if (device is { Length: 0 } || type is { Length: 0 } || (device is null && type is null))
            throw new ArgumentException("A pattern needs a non-empty device part, a non-empty type part, or both.");
        Device = device;
        Type = type;
        _literalLength = device is null ? 0 : device.EndsWith('*') ? device.Length - 1 : device.Length;
        _matchesRest = device is not null && device.EndsWith('*');
    }

    /// <summary>The device part, or null when the pattern starts with <c>/</c>.</summary>
    public string? Device { get; }

    /// <summary>The type part, or null when the pattern matches any type.</summary>
    public string? Type { get; }

    /// <summary>Length of the device part without its trailing <c>*</c>; 0 when there is no device part.</summary>
    private readonly int _literalLength;

    /// <summary>Whether the device part ends with <c>*</c> (the rest of the name, including nothing, matches).</summary>
    private readonly bool _matchesRest;

    /// <summary>Whether <paramref name="device"/> matches the device part. Allocation-free.
    /// Example: <c>mfc?</c> matches <c>mfc0</c> but not <c>mfc10</c>; <c>s5p-*</c> matches <c>s5p-</c>.</summary>
    public bool MatchesDevice(string device)
    {
        string? pattern = Device;
        if (pattern is null)
            return false;
        if (_matchesRest ? device.Length < _literalLength : device.Length != _literalLength)
            return false;
        for (int i = 0; i < _literalLength; i++)
        {
            char p = pattern[i];
            if (p != '?' && p != device[i])
                return false;
        }
        return true;
    }

    /// <summary>Whether <paramref name="type"/> (already <c>common</c> for a missing type) matches the type part.</summary>
    public bool MatchesType(string type) => Type is null || string.Equals(Type, type, StringComparison.Ordinal);

    /// <summary>The pattern as written in canonical form: <c>video/a</c>, <c>/b</c>, <c>*</c>.</summary>
    public override string ToString() => Type is null ? Device! : (Device ?? "") + "/" + Type;
}
