namespace Cma.Runtime.DependencyInjection;

/// <summary>An options type with no values: building it at host start (<c>ValidateOnStart</c>) builds the Cma service,
/// so a configuration error surfaces when the host starts.</summary>
internal sealed class CmaStartupValidation;
