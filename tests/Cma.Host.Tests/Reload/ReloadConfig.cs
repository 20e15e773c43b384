using System.Text;
using Microsoft.Extensions.Configuration;

namespace Cma.Host.Tests.Reload;

/// <summary>A <c>Cma</c> section built from JSON text, as an application's configuration would give it.</summary>
internal static class ReloadConfig
{
    /// <summary>The JSON of a whole configuration file with these regions (a JSON array) and map (a JSON array of rules).</summary>
    public static string Json(string regions, string? map = null) =>
        $$"""{ "Cma": { "Regions": {{regions}} {{(map is null ? "" : ", \"Map\": " + map)}} } }""";

    /// <summary>The <c>Cma</c> section of <see cref="Json"/>.</summary>
    public static IConfigurationSection Section(string regions, string? map = null) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Json(regions, map)))).Build().GetSection("Cma");

    /// <summary>A region placed at an explicit start (so that adding and removing regions moves no other region).</summary>
    public static string Region(string name, string start, string allocator = "best-fit", string size = "1M", string extra = "") =>
        $$"""{ "Name": "{{name}}", "Start": "{{start}}", "Size": "{{size}}", "Allocator": "{{allocator}}"{{extra}} }""";
}
