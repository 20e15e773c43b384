namespace Cma.Host.Workloads;

/// <summary>What one trace operation does.</summary>
internal enum TraceOpKind : byte
{
    /// <summary>Allocate <see cref="TraceOp.Size"/> bytes into <see cref="TraceOp.Slot"/>.</summary>
    Allocate,

    /// <summary>Free the allocation held in <see cref="TraceOp.Slot"/>.</summary>
    Free,
}
