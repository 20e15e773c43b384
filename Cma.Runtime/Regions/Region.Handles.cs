namespace Cma.Runtime.Regions;

/// <summary>The region's live <see cref="CmaBuffer"/> handles (see CmaService.Buffers.cs), kept on the region so that they
/// follow it whatever its position among the service's regions (a configuration reload changes those).</summary>
internal sealed partial class Region
{
    /// <summary>The live handles by chunk address; null until the first buffer is handed out here. An entry exists exactly
    /// while its chunk is live and its handle not retired. Read and written under <see cref="Sync"/>.</summary>
    public Dictionary<ulong, CmaBuffer>? Handles { get; set; }
}
