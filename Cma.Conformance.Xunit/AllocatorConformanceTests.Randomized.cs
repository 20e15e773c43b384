using Xunit;

namespace Cma.Conformance.Xunit;

/// <summary>Model-based random sequences (CsCheck), shrunk to a minimal failing sequence with its seed.</summary>
public abstract partial class AllocatorConformanceTests
{
    /// <summary><see cref="ConformanceSuite.RandomSequencesMatchTheReferenceModel"/>.</summary>
    [Fact]
    public void Random_sequences_match_the_reference_model() => Run(ConformanceSuite.RandomSequencesMatchTheReferenceModel);
}
