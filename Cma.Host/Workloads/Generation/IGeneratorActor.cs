namespace Cma.Host.Workloads.Generation;

/// <summary>One user of contiguous memory in a generated workload (a camera, a decoder, a GUI): each step it writes
/// exactly one operation. The generator interleaves several actors by weight.</summary>
internal interface IGeneratorActor
{
    /// <summary>How often the scheduler picks this actor, relative to the others.</summary>
    double Weight { get; }

    /// <summary>Writes one operation.</summary>
    void Step(GeneratorState state);
}
