namespace Cma.Host.Workloads;

/// <summary>What a reader skipped or adjusted while reading; the replay shows these beside its results.</summary>
internal sealed class TraceCounters
{
    /// <summary>Malformed lines skipped under <c>--lenient</c>.</summary>
    public long BadLinesSkipped { get; set; }

    /// <summary>The first malformed line skipped, for the summary (file:line: message), or null.</summary>
    public string? FirstBadLine { get; set; }

    /// <summary>Frees of an id or pointer that was not live (<c>free(NULL)</c> in .rep and Android traces), skipped.</summary>
    public long NullFreesSkipped { get; set; }

    /// <summary>Android allocations returning a pointer that was still live (the trace lost a free): freed first.</summary>
    public long LivePointersReused { get; set; }

    /// <summary>Lines that are not operations (thread_done, failed mallocs returning 0x0).</summary>
    public long IgnoredLines { get; set; }
}
