namespace Cma.Runtime.Configuration;

/// <summary>
/// What a field holds, as the "expected ..." of a problem: shared by the raw JSON check (<see cref="ConfigJsonShape"/>,
/// which sees JSON types) and the readers of the text (which see an object where a value belongs, or the reverse),
/// so that both say the same thing about the same field.
/// </summary>
internal static class FieldShape
{
    /// <summary><c>Plugins</c>.</summary>
    public const string Plugins = "an object with Directories, Sha256 and HotReload";

    /// <summary><c>Plugins:Directories</c>.</summary>
    public const string PluginDirectories = "an array of folder paths, e.g. [ \"extra-plugins\" ]";

    /// <summary>One pin of <c>Plugins:Sha256</c>.</summary>
    public const string PinHash = "a string of 64 hex digits";

    /// <summary>One region of <c>Regions</c>.</summary>
    public const string Region = "a region object such as { \"Name\": \"common\", \"Size\": \"64M\" }";

    /// <summary><c>DefaultAllocator</c> and a region's <c>Allocator</c>.</summary>
    public const string AllocatorName = "an allocator name";

    /// <summary>One rule of <c>Map</c>.</summary>
    public const string MapRule = "a rule string such as \"video/a=a,common\"";
}
