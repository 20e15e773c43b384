using System.Text.Json;

namespace Cma.Runtime;

/// <summary>A JSON value described for a message (<c>the number -5</c>, <c>an object</c>): shared by the configuration's
/// shape check and the plugin manifest check.</summary>
internal static class JsonValueText
{
    /// <summary>Describes <paramref name="value"/>; a string or number longer than <paramref name="maxLength"/> characters
    /// is cut to that length, ending in "...".</summary>
    public static string Describe(JsonElement value, int maxLength = int.MaxValue) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Shorten(value.GetRawText(), maxLength)}",
        JsonValueKind.Number => $"the number {Shorten(value.GetRawText(), maxLength)}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    private static string Shorten(string text, int maxLength) => text.Length <= maxLength ? text : text[..(maxLength - 3)] + "...";
}
