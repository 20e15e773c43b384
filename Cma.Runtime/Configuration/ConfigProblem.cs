namespace Cma.Runtime.Configuration;

/// <summary>One thing wrong with the configuration: the field it is in (full path, e.g.
/// <c>Cma:Regions:1:Alignmnet</c>) and what is wrong, naming the value and the fix.</summary>
internal sealed record ConfigProblem(string Field, string Message)
{
    /// <summary><c>Field: Message</c>.</summary>
    public override string ToString() => $"{Field}: {Message}";
}
