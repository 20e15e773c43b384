namespace Cma.Runtime;

/// <summary>What a configuration reload (<see cref="ICmaService.Apply"/>) did.</summary>
public enum CmaReloadResult
{
    /// <summary>The new configuration was valid and its difference was applied.</summary>
    Applied,

    /// <summary>The new configuration is the one already running: nothing to do (e.g. a change notification that fired
    /// twice).</summary>
    Unchanged,

    /// <summary>The new configuration has problems (the same messages as at start); nothing changed.</summary>
    Invalid,

    /// <summary>The new configuration is valid but cannot be applied while running (a non-empty region removed, a region's
    /// range or backing changed, an allocator swap refused); nothing changed.</summary>
    Refused,
}

/// <summary>The outcome of one configuration reload: when, what happened, the problems (for <see cref="CmaReloadResult.Invalid"/>
/// and <see cref="CmaReloadResult.Refused"/>) and the changes made (for <see cref="CmaReloadResult.Applied"/>), one line each.</summary>
public sealed record CmaReloadOutcome
{
    /// <summary>When the reload finished.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>What happened.</summary>
    public required CmaReloadResult Result { get; init; }

    /// <summary>Why nothing changed: configuration problems (<c>Field: message</c>) or what could not be applied while running.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>The changes applied, e.g. <c>added region 'b'</c>, <c>region 'a': allocator best-fit → buddy</c>.</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>One line: the result, then the changes or problems.</summary>
    public override string ToString() =>
        $"{Result}" + (Problems.Count + Changes.Count == 0 ? "" : ": " + string.Join("; ", Result == CmaReloadResult.Applied ? Changes : Problems));
}
