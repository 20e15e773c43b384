namespace Cma.Host.Workloads.Generation;

/// <summary>One user of contiguous memory in a generated workload (a camera, a decoder, a GUI): each step it writes
/// one operation, or none while it waits (for room, or between bursts). The generator interleaves several actors by
/// weight, picking again after a step that wrote nothing.</summary>
internal interface IGeneratorActor
{
    /// <summary>How often the scheduler picks this actor, relative to the others.</summary>
    double Weight { get; }

    /// <summary>Writes at most one operation.</summary>
    void Step(GeneratorState state);
}
