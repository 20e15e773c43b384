using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cma.Runtime;

/// <summary>What kind of chunk a <see cref="CmaChunkState"/> records.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CmaChunkKind>))]
public enum CmaChunkKind
{
    /// <summary>Placed by the region's plugin; never moves.</summary>
    Contiguous = 0,

    /// <summary>A movable chunk (<see cref="ICmaService.AllocateMovable"/>).</summary>
    Movable = 1,

    /// <summary>A discardable movable chunk.</summary>
    Discardable = 2,
}

/// <summary>One live chunk in a <see cref="CmaState"/>.</summary>
public sealed record CmaChunkState
{
    /// <summary>Its first byte.</summary>
    public required ulong Address { get; init; }

    /// <summary>What it occupies (the request plus guard bytes, rounded to the granule).</summary>
    public required ulong Size { get; init; }

    /// <summary>What the caller asked for.</summary>
    public required ulong Requested { get; init; }

    /// <summary>Its owner (<c>device/type</c>; empty for allocations from named regions).</summary>
    public required string Owner { get; init; }

    /// <summary>Contiguous, movable or discardable.</summary>
    public required CmaChunkKind Kind { get; init; }

    /// <summary>Outstanding pins (movable chunks).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Pins { get; init; }
}

/// <summary>One region in a <see cref="CmaState"/>: its snapshot, its allocator's settings and its live chunks.</summary>
public sealed record CmaRegionState
{
    /// <summary>The region's state and counters.</summary>
    public required CmaRegionSnapshot Region { get; init; }

    /// <summary>The region's plugin settings (<c>Settings</c>), flattened to <c>key</c> / <c>key:child</c> paths.</summary>
    public required IReadOnlyDictionary<string, string?> Settings { get; init; }

    /// <summary>The live chunks in address order.</summary>
    public required IReadOnlyList<CmaChunkState> Chunks { get; init; }
}

/// <summary>
/// The whole state of a host (<see cref="ICmaService.CaptureState"/>): every region with its allocator, settings and
/// live chunks (owners, pins), and the map. Each region is captured under its own lock, one after the other: a region's
/// chunks are one consistent moment of that region. Written and read as JSON (<see cref="WriteJson"/>,
/// <see cref="ReadJson"/>) — e.g. to start a replay from today's fragmentation.
/// </summary>
public sealed record CmaState
{
    /// <summary>When it was captured.</summary>
    public required DateTimeOffset TakenAt { get; init; }

    /// <summary>The regions in configuration order.</summary>
    public required IReadOnlyList<CmaRegionState> Regions { get; init; }

    /// <summary>The map rules, in order.</summary>
    public required IReadOnlyList<string> Map { get; init; }

    /// <summary>The JSON options of the state file: camelCase, indented, enums as names.</summary>
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes the state as JSON.</summary>
    public void WriteJson(Stream stream) => JsonSerializer.Serialize(stream, this, s_json);

    /// <summary>Reads a state written by <see cref="WriteJson"/>; <see cref="JsonException"/> (with line and position)
    /// when it is not one.</summary>
    public static CmaState ReadJson(Stream stream) =>
        JsonSerializer.Deserialize<CmaState>(stream, s_json) ?? throw new JsonException("The state file holds null, not a Cma state.");
}
