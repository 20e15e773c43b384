using System.Text;
using System.Text.Json;

namespace Cma.Runtime.Configuration;

/// <summary>
/// Checks the raw JSON of a configuration file before it becomes an <c>IConfiguration</c>, where types are lost
/// (<c>5</c> and <c>"5"</c> read alike, an empty array disappears) and the JSON provider would throw on the first
/// syntax error or duplicate key. Reports syntax errors with a 1-based line and column, duplicate keys, and every
/// value of the wrong JSON type in the parts of <c>Cma</c> we own (not inside a region's <c>Settings</c>).
/// Unknown keys and value ranges are checked later, on the text.
/// </summary>
internal static class ConfigJsonShape
{
    /// <summary>Reader options matching the JSON configuration provider: comments and trailing commas allowed.</summary>
    private static readonly JsonDocumentOptions s_options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Parses and checks <paramref name="json"/> read from <paramref name="path"/>.</summary>
    /// <returns>Whether the text is JSON the configuration provider can read (shape problems alone do not make it false).</returns>
    public static bool Check(string path, byte[] json, ConfigProblems problems)
    {
        if (NoValue(json.AsSpan(StartOfJson(json))) is { } what)
        {
            problems.Add(path, $"the file {what}; it must hold a JSON object such as {{ \"Cma\": {{ \"Regions\": [ ... ] }} }}.");
            return false;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.AsMemory(StartOfJson(json)), s_options);
        }
        catch (JsonException e)
        {
            long line = (e.LineNumber ?? 0) + 1;
            long column = Column(json.AsSpan(StartOfJson(json)).ToArray(), e.LineNumber ?? 0, e.BytePositionInLine ?? 0) + 1;
            problems.Add(path, $"the file is not valid JSON at line {line}, column {column}: {Reason(e.Message)} Fix the syntax there (comments and trailing commas are allowed).");
            return false;
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add(path, $"the file must hold a JSON object such as {{ \"Cma\": {{ ... }} }}; it holds {JsonValueText.Describe(root)}.");
                return false;
            }
            bool readable = CheckDuplicateKeys(root, "", problems);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (string.Equals(property.Name, CmaConfigurationLoader.SectionName, StringComparison.OrdinalIgnoreCase))
                    CheckCma(property.Value, property.Name, problems);
            }
            return readable;
        }
    }

    /// <summary>Checks the <c>Cma</c> object.</summary>
    private static void CheckCma(JsonElement cma, string field, ConfigProblems problems)
    {
        if (!ExpectKind(cma, JsonValueKind.Object, field, "an object with Regions, Map and the other Cma settings", problems))
            return;
        foreach (JsonProperty p in cma.EnumerateObject())
        {
            string f = field + ":" + p.Name;
            switch (p.Name.ToUpperInvariant())
            {
                case "GRANULE":
                case "PLACEMENTBASE":
                    CheckSize(p.Value, f, problems);
                    break;
                case "DEFAULTALLOCATOR":
                case "COMMANDLINE":
                    ExpectKind(p.Value, JsonValueKind.String, f, "a string", problems);
                    break;
                case "PLUGINS":
                    CheckPlugins(p.Value, f, problems);
                    break;
                case "REGIONS":
                    CheckRegions(p.Value, f, problems);
                    break;
                case "MAP":
                    CheckMap(p.Value, f, problems);
                    break;
            }
        }
    }

    /// <summary>Checks <c>Plugins</c>: <c>Directories</c> an array of strings, <c>Sha256</c> an object of strings,
    /// <c>HotReload</c> true or false.</summary>
    private static void CheckPlugins(JsonElement plugins, string field, ConfigProblems problems)
    {
        if (!ExpectKind(plugins, JsonValueKind.Object, field, FieldShape.Plugins, problems))
            return;
        foreach (JsonProperty p in plugins.EnumerateObject())
        {
            string f = field + ":" + p.Name;
            if (string.Equals(p.Name, "Directories", StringComparison.OrdinalIgnoreCase)
                && ExpectKind(p.Value, JsonValueKind.Array, f, FieldShape.PluginDirectories, problems))
            {
                int i = 0;
                foreach (JsonElement item in p.Value.EnumerateArray())
                    ExpectKind(item, JsonValueKind.String, f + ":" + i++, "a folder path (a string)", problems);
            }
            else if (string.Equals(p.Name, "Sha256", StringComparison.OrdinalIgnoreCase)
                && ExpectKind(p.Value, JsonValueKind.Object, f, "an object mapping DLL file names to SHA-256 hex strings", problems))
            {
                foreach (JsonProperty pin in p.Value.EnumerateObject())
                    ExpectKind(pin.Value, JsonValueKind.String, f + ":" + pin.Name, FieldShape.PinHash, problems);
            }
            else if (string.Equals(p.Name, "HotReload", StringComparison.OrdinalIgnoreCase)
                && p.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problems.Add(f, $"expected true or false (without quotes); found {JsonValueText.Describe(p.Value)}. Write \"HotReload\": true to reload plugins whose DLL is rebuilt, or false (the default).");
            }
        }
    }

    /// <summary>Checks <c>Regions</c>: a non-empty array of objects with typed fields.</summary>
    private static void CheckRegions(JsonElement regions, string field, ConfigProblems problems)
    {
        if (!ExpectKind(regions, JsonValueKind.Array, field, "an array of region objects, e.g. [ { \"Name\": \"common\", \"Size\": \"64M\" } ] (order matters)", problems))
            return;
        if (regions.GetArrayLength() == 0)
            problems.Add(field, "Regions is an empty array; add at least one region, e.g. { \"Name\": \"common\", \"Size\": \"64M\" }.");
        int index = 0;
        foreach (JsonElement region in regions.EnumerateArray())
        {
            string rf = field + ":" + index++;
            if (!ExpectKind(region, JsonValueKind.Object, rf, FieldShape.Region, problems))
                continue;
            foreach (JsonProperty p in region.EnumerateObject())
            {
                string f = rf + ":" + p.Name;
                switch (p.Name.ToUpperInvariant())
                {
                    case "NAME":
                    case "ALLOCATOR":
                        ExpectKind(p.Value, JsonValueKind.String, f, "a string", problems);
                        break;
                    case "SIZE":
                    case "START":
                    case "ALIGNMENT":
                    case "GRANULE":
                        CheckSize(p.Value, f, problems);
                        break;
                    case "SETTINGS":
                        ExpectKind(p.Value, JsonValueKind.Object, f, "an object of allocator settings, e.g. { \"Fit\": \"next\" }", problems);
                        break;
                    case "BACKING":
                    case "BACKINGPATH":
                        ExpectKind(p.Value, JsonValueKind.String, f, "a string", problems);
                        break;
                    case "GUARDBYTES":
                        CheckSize(p.Value, f, problems);
                        break;
                    case "ZEROONALLOCATE":
                        if (p.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                            problems.Add(f, $"expected true or false; found {JsonValueText.Describe(p.Value)}.");
                        break;
                    case "POISONONFREE":
                        if (p.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.String) && !(p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetByte(out _)))
                            problems.Add(f, $"expected true, false or a byte such as \"0x6B\"; found {JsonValueText.Describe(p.Value)}.");
                        break;
                }
            }
        }
    }

    /// <summary>Checks <c>Map</c>: one string or a non-empty array of strings.</summary>
    private static void CheckMap(JsonElement map, string field, ConfigProblems problems)
    {
        if (map.ValueKind == JsonValueKind.String)
            return;
        if (!ExpectKind(map, JsonValueKind.Array, field, "an array of rule strings such as [ \"video/a=a\", \"*=common\" ] or one string of rules separated by ';'", problems))
            return;
        if (map.GetArrayLength() == 0)
            problems.Add(field, "Map is an empty array, so no device would get memory; " + Mapping.MapRuleParser.EmptyMapFix);
        int i = 0;
        foreach (JsonElement rule in map.EnumerateArray())
            ExpectKind(rule, JsonValueKind.String, field + ":" + i++, FieldShape.MapRule, problems);
    }

    /// <summary>Checks a size: a string (parsed later) or a non-negative whole number of bytes.</summary>
    private static void CheckSize(JsonElement value, string field, ConfigProblems problems)
    {
        if (value.ValueKind == JsonValueKind.String || (value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out _)))
            return;
        string raw = value.GetRawText();
        if (value.ValueKind == JsonValueKind.Number && raw.StartsWith('-'))
            problems.Add(field, $"{raw} is negative; a size is a non-negative whole number of bytes or a string such as \"64M\" or \"0x1000\".");
        else if (value.ValueKind == JsonValueKind.Number)
            problems.Add(field, $"{raw} is not a whole number of bytes below 2^64; write a whole number or a string such as \"64M\" or \"0x1000\".");
        else
            problems.Add(field, $"expected a size (a string such as \"64M\" or \"0x1000\", or a whole number of bytes); found {JsonValueText.Describe(value)}.");
    }

    /// <summary>Records a problem unless <paramref name="value"/> is of <paramref name="kind"/>.</summary>
    private static bool ExpectKind(JsonElement value, JsonValueKind kind, string field, string expected, ConfigProblems problems)
    {
        if (value.ValueKind == kind)
            return true;
        problems.Add(field, $"expected {expected}; found {JsonValueText.Describe(value)}.");
        return false;
    }

    /// <summary>Reports keys that appear twice in one object (ignoring case, as configuration keys do), anywhere.</summary>
    private static bool CheckDuplicateKeys(JsonElement element, string field, ConfigProblems problems)
    {
        bool ok = true;
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonProperty p in element.EnumerateObject())
            {
                string f = field.Length == 0 ? p.Name : field + ":" + p.Name;
                if (!seen.Add(p.Name))
                {
                    problems.Add(f, $"the key '{p.Name}' appears twice in one object (keys ignore case); keep one.");
                    ok = false;
                }
                ok &= CheckDuplicateKeys(p.Value, f, problems);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (JsonElement item in element.EnumerateArray())
                ok &= CheckDuplicateKeys(item, field + ":" + i++, problems);
        }
        return ok;
    }

    /// <summary>"is empty" or "holds only comments and white space" when <paramref name="json"/> holds no JSON value
    /// (the parser would only say that it expected a token "when isFinalBlock is true"); null when it holds something.</summary>
    private static string? NoValue(ReadOnlySpan<byte> json)
    {
        if (json.Trim(" \t\r\n"u8).IsEmpty)
            return "is empty";
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Allow });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.Comment)
                    return null;
            }
        }
        catch (JsonException)
        {
            // Either no value follows the comments (the rest is white space) or the first value is malformed (the parser reports it).
        }
        return json[(int)reader.BytesConsumed..].Trim(" \t\r\n"u8).IsEmpty ? "holds only comments and white space" : null;
    }

    /// <summary>Where the JSON text starts: after a UTF-8 byte order mark, if there is one.</summary>
    private static int StartOfJson(byte[] json) =>
        json.Length >= 3 && json[0] == 0xEF && json[1] == 0xBB && json[2] == 0xBF ? 3 : 0;

    /// <summary>The parser's message without its own 0-based position suffix.</summary>
    private static string Reason(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    /// <summary>The 0-based character column of byte <paramref name="bytePosition"/> in 0-based line <paramref name="line"/>.</summary>
    private static long Column(byte[] json, long line, long bytePosition)
    {
        int start = 0;
        for (long l = 0; l < line && start < json.Length; start++)
        {
            if (json[start] == (byte)'\n')
                l++;
        }
        int length = (int)Math.Min(bytePosition, json.Length - start);
        return length <= 0 ? bytePosition : Encoding.UTF8.GetCharCount(json, start, length);
    }
}
