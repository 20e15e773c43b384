namespace Cma.Runtime.Configuration;

/// <summary>Collects configuration problems in the order found, so that every one is reported at once.</summary>
internal sealed class ConfigProblems
{
    /// <summary>The problems found so far, in order.</summary>
    private readonly List<ConfigProblem> _problems;

    /// <summary>Creates an empty collection.</summary>
    public ConfigProblems() => _problems = [];

    /// <summary>Creates a collection holding <paramref name="found"/> (problems found earlier, e.g. while reading).</summary>
    public ConfigProblems(IEnumerable<ConfigProblem> found) => _problems = [.. found];

    /// <summary>The problems found so far.</summary>
    public IReadOnlyList<ConfigProblem> Items => _problems;

    /// <summary>How many problems were found.</summary>
    public int Count => _problems.Count;

    /// <summary>Records a problem in <paramref name="field"/>.</summary>
    public void Add(string field, string message) => _problems.Add(new ConfigProblem(field, message));

    /// <summary>Records problems found elsewhere, in their order.</summary>
    public void AddRange(IEnumerable<ConfigProblem> problems) => _problems.AddRange(problems);

    /// <summary>Whether a problem was already recorded for exactly <paramref name="field"/> (ignoring case).</summary>
    public bool HasExactly(string field)
    {
        foreach (ConfigProblem problem in _problems)
        {
            if (string.Equals(problem.Field, field, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    /// <summary>Whether a problem was already recorded for <paramref name="field"/> or a field inside it (configuration
    /// keys compare ignoring case), so that one mistake is not reported twice (raw JSON, then as text).</summary>
    public bool Has(string field)
    {
        foreach (ConfigProblem problem in _problems)
        {
            if (problem.Field.StartsWith(field, StringComparison.OrdinalIgnoreCase)
                && (problem.Field.Length == field.Length || problem.Field[field.Length] == ':'))
                return true;
        }
        return false;
    }
}
