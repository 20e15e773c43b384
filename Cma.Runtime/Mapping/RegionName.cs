namespace Cma.Runtime.Mapping;

/// <summary>The rule for region names, shared by the configuration and the map: <c>[A-Za-z0-9_.-]+</c>.</summary>
internal static class RegionName
{
    /// <summary>The rule in words, for messages.</summary>
    public const string Rule = "letters, digits, '_', '.' and '-' only";

    /// <summary>Whether <paramref name="name"/> is a valid region name.</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return false;
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '.' && c != '-')
                return false;
        }
        return true;
    }
}
