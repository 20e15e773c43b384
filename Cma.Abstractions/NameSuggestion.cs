namespace Cma;

/// <summary>"Did you mean" for misspelt names: the closest candidate by edit distance, ignoring case.</summary>
internal static class NameSuggestion
{
    /// <summary>The candidate closest to <paramref name="name"/>, or null when none is close enough
    /// (more than a third of the name's letters, and at least one, would have to change).</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int d = Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= Math.Max(1, name.Length / 3) ? best : null;
    }

    /// <summary>" Did you mean 'X'?" or the empty string.</summary>
    public static string Hint(string name, IEnumerable<string> candidates) =>
        Closest(name, candidates) is { } c ? $" Did you mean '{c}'?" : "";

    /// <summary>Optimal string alignment distance (Levenshtein with adjacent transpositions), so that the
    /// classic <c>Alignmnet</c> → <c>Alignment</c> costs 1.</summary>
    private static int Distance(string a, string b)
    {
        int[,] d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                d[i, j] = v;
            }
        }
        return d[a.Length, b.Length];
    }
}
