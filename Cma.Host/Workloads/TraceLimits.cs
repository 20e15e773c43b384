namespace Cma.Host.Workloads;

/// <summary>
/// What a trace may hold, so that a hostile or mistaken input ends with a clear error instead of exhausting memory: a
/// line longer than <see cref="MaxLineLength"/> (a trace line is a few dozen characters) and a zip entry that unpacks to
/// more than <see cref="MaxUnzippedBytes"/> are refused with exit code 2.
/// </summary>
/// <param name="MaxLineLength">The longest line, in characters without its terminator.</param>
/// <param name="MaxUnzippedBytes">The most bytes the trace inside a zip archive may unpack to.</param>
internal sealed record TraceLimits(int MaxLineLength, long MaxUnzippedBytes)
{
    /// <summary>64K characters a line; 4 GiB unzipped (the bundled Android recording is 19 MB).</summary>
    public static TraceLimits Default { get; } = new(64 * 1024, 4L << 30);
}
