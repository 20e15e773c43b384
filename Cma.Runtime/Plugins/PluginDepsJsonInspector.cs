using System.Text;
using System.Text.Json;

namespace Cma.Runtime.Plugins;

/// <summary>
/// Checks a plugin's <c>&lt;Name&gt;.deps.json</c> before the .NET host's dependency resolver reads it. That resolver
/// (hostpolicy, native code behind <c>AssemblyDependencyResolver</c>, which McMaster.NETCore.Plugins creates for every
/// plugin) trusts the file's shape: a syntax error is an exception that ends the process unless caught, and a value of
/// the wrong JSON type, or a missing one it reads as a string, is undefined behaviour in C++ that aborts the whole
/// process (<c>std::logic_error</c>, a segmentation fault, or a stack overflow on deep nesting), which no managed code
/// can catch. So the catalog refuses the plugin unless the file is what the resolver reads without harm:
/// <list type="bullet">
/// <item>a regular file of JSON (comments allowed, as the resolver allows them), nested at most 64 deep, with no key
/// twice in one object (the resolver reads the first, this check would read the last);</item>
/// <item>an object with <c>runtimeTarget</c>: a string, or an object with a string <c>name</c>;</item>
/// <item><c>targets</c>: an object holding that name, an object of packages, each an object; in a package,
/// <c>runtime</c>, <c>resources</c> and <c>native</c> (if present) objects of objects, and <c>runtimeTargets</c> (if
/// present) an object of objects each with a string <c>assetType</c> and, for those three types, a string <c>rid</c>;</item>
/// <item><c>libraries</c>: an object in which every package of the target is (if listed) an object with a string
/// <c>type</c> and <c>sha512</c>.</item>
/// </list>
/// Found by loading corrupted copies of a real plugin in a child process (runtime 10.0): every other shape of these
/// values aborted, crashed or threw. A plugin without a <c>.deps.json</c> is fine (the resolver then probes its folder).
/// </summary>
internal static class PluginDepsJsonInspector
{
    /// <summary>Parser options as close to the native resolver's as System.Text.Json allows (stricter on trailing commas
    /// and text after the object, which no build writes).</summary>
    private static readonly JsonDocumentOptions s_options = new() { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 };

    /// <summary>The asset groups of a package in a target, each an object of file name → object.</summary>
    private static readonly string[] s_assetGroups = ["runtime", "resources", "native"];

    /// <summary>The <c>.deps.json</c> the resolver reads for <paramref name="dll"/>: beside it, named after it.</summary>
    public static string PathFor(string dll) => Path.ChangeExtension(dll, ".deps.json");

    /// <summary>Returns null when <paramref name="dll"/>'s <c>.deps.json</c> is absent or safe to hand to the resolver,
    /// else what is wrong with it, as the end of a sentence that starts with the file's name.</summary>
    public static string? Inspect(string dll)
    {
        string path = PathFor(dll);
        if (Directory.Exists(path))
            return "is a directory, not a file";
        var info = new FileInfo(path);
        if (!info.Exists)
            return info.LinkTarget is { } target ? $"is a symbolic link to '{target}', which does not exist" : null;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read ({e.Message})";
        }
        ReadOnlyMemory<byte> json = bytes.AsMemory(bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0);
        if (json.Span.Trim(" \t\r\n"u8).IsEmpty)
            return "is empty";
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, s_options);
            return Check(document.RootElement);
        }
        catch (JsonException e)
        {
            long line = (e.LineNumber ?? 0) + 1;
            long column = (e.BytePositionInLine ?? 0) + 1;
            return $"is not valid JSON at line {line}, column {column}: {WithoutPosition(e.Message)}";
        }
        catch (InvalidOperationException e)
        {
            return $"holds text that is not valid Unicode ({e.Message})";
        }
    }

    /// <summary>Checks the document's shape; null when the resolver reads it without harm.</summary>
    private static string? Check(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return $"holds {JsonValueText.Describe(root, 40)}, not a JSON object";
        if (DuplicateKey(root, []) is { } duplicate)
            return duplicate;

        if (!root.TryGetProperty("runtimeTarget", out JsonElement runtimeTarget))
            return "has no \"runtimeTarget\"";
        string? targetName = runtimeTarget.ValueKind switch
        {
            JsonValueKind.String => runtimeTarget.GetString(),
            JsonValueKind.Object when runtimeTarget.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String => name.GetString(),
            _ => null,
        };
        if (targetName is null)
        {
            return runtimeTarget.ValueKind == JsonValueKind.Object
                ? "\"runtimeTarget\" has no string \"name\""
                : $"\"runtimeTarget\" is {JsonValueText.Describe(runtimeTarget, 40)}; it must be an object with a string \"name\"";
        }

        if (Member(root, "targets", out JsonElement targets) is { } noTargets)
            return noTargets;
        if (!targets.TryGetProperty(targetName, out JsonElement target))
            return $"\"targets\" has no \"{targetName}\" (the runtimeTarget's name)";
        if (ExpectObject(target, ["targets", targetName]) is { } badTarget)
            return badTarget;
        var packages = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty package in target.EnumerateObject())
        {
            packages.Add(package.Name);
            if (CheckPackage(package.Value, ["targets", targetName, package.Name]) is { } badPackage)
                return badPackage;
        }

        if (Member(root, "libraries", out JsonElement libraries) is { } noLibraries)
            return noLibraries;
        foreach (JsonProperty library in libraries.EnumerateObject())
        {
            if (packages.Contains(library.Name) && CheckLibrary(library.Value, ["libraries", library.Name]) is { } badLibrary)
                return badLibrary;
        }
        return null;
    }

    /// <summary>Checks one package of the target: an object whose asset groups and runtime targets are objects of objects.</summary>
    private static string? CheckPackage(JsonElement package, string[] path)
    {
        if (ExpectObject(package, path) is { } notObject)
            return notObject;
        foreach (string group in s_assetGroups)
        {
            if (package.TryGetProperty(group, out JsonElement files) && ExpectObjectOfObjects(files, [.. path, group]) is { } badGroup)
                return badGroup;
        }
        if (!package.TryGetProperty("runtimeTargets", out JsonElement runtimeTargets))
            return null;
        string[] at = [.. path, "runtimeTargets"];
        if (ExpectObjectOfObjects(runtimeTargets, at) is { } badRuntimeTargets)
            return badRuntimeTargets;
        foreach (JsonProperty file in runtimeTargets.EnumerateObject())
        {
            if (ExpectString(file.Value, [.. at, file.Name], "assetType") is { } noAssetType)
                return noAssetType;
            bool known = Array.Exists(s_assetGroups, g => string.Equals(g, file.Value.GetProperty("assetType").GetString(), StringComparison.OrdinalIgnoreCase));
            if (known && ExpectString(file.Value, [.. at, file.Name], "rid") is { } noRid)
                return noRid;   // the resolver reads the rid of runtime, resources and native assets only
        }
        return null;
    }

    /// <summary>Checks one library the target lists: an object with a string <c>type</c> and <c>sha512</c>.</summary>
    private static string? CheckLibrary(JsonElement library, string[] path) =>
        ExpectObject(library, path) ?? ExpectString(library, path, "type") ?? ExpectString(library, path, "sha512");

    /// <summary>Reads the top-level object <paramref name="name"/>; returns the problem if it is missing or not an object.</summary>
    private static string? Member(JsonElement root, string name, out JsonElement value)
    {
        if (!root.TryGetProperty(name, out value))
            return $"has no \"{name}\"";
        return ExpectObject(value, [name]);
    }

    private static string? ExpectObject(JsonElement value, string[] path) =>
        value.ValueKind == JsonValueKind.Object ? null : $"{Describe(path)} is {JsonValueText.Describe(value, 40)}, not an object";

    private static string? ExpectObjectOfObjects(JsonElement value, string[] path)
    {
        if (ExpectObject(value, path) is { } notObject)
            return notObject;
        foreach (JsonProperty entry in value.EnumerateObject())
        {
            if (ExpectObject(entry.Value, [.. path, entry.Name]) is { } badEntry)
                return badEntry;
        }
        return null;
    }

    private static string? ExpectString(JsonElement owner, string[] path, string name) =>
        owner.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? null
            : $"{Describe(path)} has no string \"{name}\"";

    /// <summary>The first key that appears twice in one object, anywhere in the document, as a problem.</summary>
    private static string? DuplicateKey(JsonElement element, string[] path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in element.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                    return path.Length == 0 ? $"has the key \"{p.Name}\" twice in one object" : $"has the key \"{p.Name}\" twice in {Describe(path)}";
                if (DuplicateKey(p.Value, [.. path, p.Name]) is { } nested)
                    return nested;
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (JsonElement item in element.EnumerateArray())
            {
                if (DuplicateKey(item, [.. path, (i++).ToString(System.Globalization.CultureInfo.InvariantCulture)]) is { } nested)
                    return nested;
            }
        }
        return null;
    }

    /// <summary>A path in the document: <c>"targets"</c> at the top, else <c>targets["X"]["Y"].runtime</c>.</summary>
    private static string Describe(string[] path)
    {
        if (path.Length == 1)
            return $"\"{path[0]}\"";
        var text = new StringBuilder(path[0]);
        for (int i = 1; i < path.Length; i++)
        {
            if (IsIdentifier(path[i]))
                text.Append('.').Append(path[i]);
            else
                text.Append("[\"").Append(path[i]).Append("\"]");
        }
        return text.ToString();
    }

    private static bool IsIdentifier(string segment)
    {
        if (segment.Length == 0 || !char.IsAsciiLetter(segment[0]))
            return false;
        foreach (char c in segment)
        {
            if (!char.IsAsciiLetterOrDigit(c))
                return false;
        }
        return true;
    }

    /// <summary>The parser's message without its own 0-based position suffix.</summary>
    private static string WithoutPosition(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0)
            cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
