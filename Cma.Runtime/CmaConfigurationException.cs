namespace Cma.Runtime;

/// <summary>Thrown when an embedded Cma runtime (see <c>AddCma</c>) is resolved with an invalid configuration.
/// The message lists every problem, each naming the field and the fix.</summary>
public sealed class CmaConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CmaConfigurationException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CmaConfigurationException(string message)
        : base(message)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public CmaConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception for a list of problems.</summary>
    /// <param name="problems">One line per problem: "field: what is wrong and how to fix it".</param>
    public CmaConfigurationException(IReadOnlyList<string> problems)
        : base("The Cma configuration has " + problems.Count + " problem(s):" + Environment.NewLine + "  - " + string.Join(Environment.NewLine + "  - ", problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Problems { get; }
}
