using System.Globalization;

namespace Cma.Host.Reports;

/// <summary>How the console tables, the plain summaries and the HTML report write numbers: invariant culture,
/// thousands separated, sizes as <see cref="CmaSize.FormatApproximate"/> gives them.</summary>
internal static class ReportFormat
{
    /// <summary>"1,024": a count with thousands separated.</summary>
    public static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"1 probe", "7 probes", "1,024 operations": a count with its noun in the singular or the plural (+s).</summary>
    public static string Count(long n, string noun) => $"{N(n)} {noun}{(n == 1 ? "" : "s")}";

    /// <summary>"12 MiB": a byte count, rounded.</summary>
    public static string Bytes(ulong b) => CmaSize.FormatApproximate(b);

    /// <summary>"37.5 %": a fraction (0.375) as a percentage with one decimal.</summary>
    public static string Percent(double f) => (f * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>"862.5 ms" under a second, "1.25 s" from a second up.</summary>
    public static string Seconds(double s) => s < 1 ? (s * 1000).ToString("0.0", CultureInfo.InvariantCulture) + " ms" : s.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    /// <summary>"850 ns", "1.2 µs", "3.4 ms": a duration in nanoseconds, in the largest unit under which it is at least 1.</summary>
    public static string Nanos(double ns) => ns < 1000 ? ns.ToString("0", CultureInfo.InvariantCulture) + " ns"
        : ns < 1e6 ? (ns / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " µs"
        : (ns / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
