using Microsoft.Extensions.Configuration;

namespace Cma.Runtime.Configuration;

/// <summary>A region's reusable-region options (<c>Reusable</c>, <c>MovableFrom</c>, <c>MigrationRetries</c>).</summary>
/// <param name="Reusable">Whether the region lends its free space to movable chunks.</param>
/// <param name="FromTop">Whether movable chunks are placed from the region's top down (<c>MovableFrom: "Top"</c>, the
/// default) or from its bottom up (<c>"Bottom"</c>).</param>
/// <param name="MigrationRetries">How many more times a contiguous request blocked by movable chunks asks the plugin again.</param>
internal sealed record RegionMovableOptions(bool Reusable, bool FromTop, int MigrationRetries)
{
    /// <summary>A region that is not reusable (the default).</summary>
    public static RegionMovableOptions Default { get; } = new(false, true, DefaultRetries);

    /// <summary>The default of <c>MigrationRetries</c>.</summary>
    public const int DefaultRetries = 3;

    /// <summary>The largest <c>MigrationRetries</c> accepted (each retry holds one more range of the region).</summary>
    public const int MaxRetries = 64;
}

/// <summary>Reads a region's reusable-region keys, recording a problem per wrong field.</summary>
internal sealed class RegionMovableSectionReader(ConfigFieldReader fields)
{
    /// <summary>The keys this reader owns.</summary>
    public static readonly string[] Keys = ["Reusable", "MovableFrom", "MigrationRetries"];

    /// <summary>The options of <paramref name="region"/>; null when a field is wrong (each problem recorded).</summary>
    public RegionMovableOptions? Read(IConfigurationSection region, string field, string label)
    {
        int before = fields.Problems.Count;
        bool? reusable = null;
        if (fields.ReadScalar(region.GetSection("Reusable"), field + ":Reusable", "true or false") is string flag)
        {
            if (bool.TryParse(flag.Trim(), out bool value))
                reusable = value;
            else
                fields.Problems.Add(field + ":Reusable", $"{label} has Reusable '{flag}'; write true (the region lends its free space to movable chunks) or false.");
        }
        bool fromTop = true;
        if (fields.ReadScalar(region.GetSection("MovableFrom"), field + ":MovableFrom", "\"Top\" or \"Bottom\"") is string from)
        {
            if (from.Trim().Equals("Bottom", StringComparison.OrdinalIgnoreCase))
                fromTop = false;
            else if (!from.Trim().Equals("Top", StringComparison.OrdinalIgnoreCase))
                fields.Problems.Add(field + ":MovableFrom", $"{label} has MovableFrom '{from}'; write \"Top\" (movable chunks from the region's top down, the default) or \"Bottom\".");
        }
        int retries = RegionMovableOptions.DefaultRetries;
        if (fields.ReadScalar(region.GetSection("MigrationRetries"), field + ":MigrationRetries", "a whole number from 0 to 64") is string text)
        {
            if (!int.TryParse(text.Trim(), out retries) || retries < 0 || retries > RegionMovableOptions.MaxRetries)
            {
                fields.Problems.Add(field + ":MigrationRetries",
                    $"{label} has MigrationRetries '{text}'; write a whole number from 0 to {RegionMovableOptions.MaxRetries} (how many more ranges a contiguous request blocked by pinned or immovable chunks tries; default {RegionMovableOptions.DefaultRetries}).");
            }
        }
        bool reusableSet = reusable == true;
        if (!reusableSet && fields.Problems.Count == before && (region.GetSection("MovableFrom").Value is not null || region.GetSection("MigrationRetries").Value is not null))
        {
            string key = region.GetSection("MovableFrom").Value is not null ? "MovableFrom" : "MigrationRetries";
            fields.Problems.Add(field + ":" + key, $"{label} sets {key} but is not reusable; add \"Reusable\": true, or remove {key}.");
        }
        return fields.Problems.Count != before ? null : new RegionMovableOptions(reusableSet, fromTop, retries);
    }
}
