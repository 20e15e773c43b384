namespace Cma.Host.Tests.Memory;

/// <summary>Tests that spawn processes or count the process's mappings and /dev/shm files: they run alone, never beside
/// tests that map memory of their own.</summary>
[CollectionDefinition("Real memory processes", DisableParallelization = true)]
public sealed class RealMemoryProcessCollection
{
}
