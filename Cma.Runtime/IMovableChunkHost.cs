namespace Cma.Runtime;

/// <summary>What a <see cref="CmaMovableChunk"/> needs from the host that made it: pinning and freeing (the service
/// implements it, so the handle does not know the service).</summary>
internal interface IMovableChunkHost
{
    /// <summary>Pins <paramref name="chunk"/> (a long-term pin moves it out of a reusable region first, when it can).</summary>
    CmaOutcome TryPin(CmaMovableChunk chunk, bool longTerm, out CmaPin? pin);

    /// <summary>Frees <paramref name="chunk"/> if it is still live or discarded; never throws.</summary>
    void FreeMovable(CmaMovableChunk chunk);
}
