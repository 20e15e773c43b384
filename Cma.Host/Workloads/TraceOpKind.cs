namespace Cma.Host.Workloads;

/// <summary>What one trace operation does.</summary>
internal enum TraceOpKind : byte
{
    /// <summary>Allocate <see cref="TraceOp.Size"/> contiguous bytes into <see cref="TraceOp.Slot"/> (<c>a</c>).</summary>
    Allocate,

    /// <summary>Free the allocation held in <see cref="TraceOp.Slot"/>, of any kind, dropping its pins (<c>f</c>).</summary>
    Free,

    /// <summary>Allocate a movable chunk of <see cref="TraceOp.Size"/> bytes into <see cref="TraceOp.Slot"/>: the host may
    /// migrate it to make room for a contiguous request (<c>m</c>).</summary>
    AllocateMovable,

    /// <summary>Allocate a discardable movable chunk (a cache): the host may migrate it or drop it (<c>d</c>).</summary>
    AllocateDiscardable,

    /// <summary>Pin the movable chunk held in <see cref="TraceOp.Slot"/> for a short while: it may not move until unpinned (<c>p &lt;id&gt;</c>).</summary>
    Pin,

    /// <summary>Pin the movable chunk held in <see cref="TraceOp.Slot"/> for a long time (<c>p &lt;id&gt; long</c>).</summary>
    PinLongTerm,

    /// <summary>Drop one pin of the movable chunk held in <see cref="TraceOp.Slot"/> (<c>u</c>).</summary>
    Unpin,
}

/// <summary>Questions about a <see cref="TraceOpKind"/>.</summary>
internal static class TraceOpKinds
{
    /// <summary>Whether the operation allocates (contiguous, movable or discardable): it counts as a request and its
    /// bytes are live until the slot's free.</summary>
    public static bool IsAllocation(this TraceOpKind kind) => kind is TraceOpKind.Allocate or TraceOpKind.AllocateMovable or TraceOpKind.AllocateDiscardable;

    /// <summary>Whether the operation allocates a movable chunk (discardable or not).</summary>
    public static bool IsMovable(this TraceOpKind kind) => kind is TraceOpKind.AllocateMovable or TraceOpKind.AllocateDiscardable;
}
