namespace Cma.Host.Workloads;

/// <summary>The trace formats the readers understand (<c>--format</c>).</summary>
internal enum TraceFormat
{
    /// <summary>Detect by content.</summary>
    Auto,

    /// <summary>Cma's own plain-text format: <c>a id size [align] [@device[/type]]</c>, <c>f id</c>.</summary>
    Cma,

    /// <summary>The CS:APP malloc-lab <c>.rep</c> format.</summary>
    Rep,

    /// <summary>Android <c>memory_replay</c> dumps (plain or inside a <c>.zip</c>).</summary>
    Android,
}
